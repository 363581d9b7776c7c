package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every encoded file combination of the reference's compatibility table (protocol.md §4.9: MP4 takes
 * AAC/Opus/H.264, OGG Opus, MP3 MP3), checked by content. TS/HLS, RTMP/SRT and WebM (passthrough)
 * have their own tests.
 */
class ContainerCodecMatrixTest {
  /** What each combination is about is the container and codecs: 2 s of 360p are enough to show them. */
  private static final int SECONDS = 2;
  private static final Encoding SMALL = new Encoding(640, 360, 24, 30, 1000, 1, "main", 128, 44100);

  @ParameterizedTest(name = "{0}: video={1} audio={2}")
  @CsvSource({
      "mp4, true,  AAC,  h264, aac",
      "mp4, true,  OPUS, h264, opus",
      "mp4, true,  NONE, h264, ",
      "mp4, false, AAC,  ,     aac",
      "mp4, false, OPUS, ,     opus",
      "ogg, false, OPUS, ,     opus",
      "mp3, false, MP3,  ,     mp3",
  })
  void combination(String container, boolean video, String audio, String videoCodec, String audioCodec, @TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("out." + container);
    MediaCodec audioEncoder = audio.equals("NONE") ? null : MediaCodec.valueOf(audio);
    FileOutputTest.record(file, container, SMALL, audioEncoder, video, SECONDS);

    JsonNode info = Probe.info(file);
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(SECONDS, within(0.1));
    JsonNode v = Probe.stream(info, "video");
    JsonNode a = Probe.stream(info, "audio");
    if (videoCodec == null) {
      assertThat(v).isNull();
    } else {
      assertThat(v.get("codec_name").asText()).isEqualTo(videoCodec);
      assertThat(Probe.decodedVideoFrames(file)).isEqualTo(SECONDS * 30);
    }
    if (audioCodec == null) {
      assertThat(a).isNull();
    } else {
      assertThat(a.get("codec_name").asText()).isEqualTo(audioCodec);
      assertThat(Probe.meanVolumeDb(file)).isGreaterThan(-20);
    }
  }
}
