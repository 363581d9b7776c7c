package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw frames and PCM encoded and muxed, then checked by content with ffprobe and decoding. */
class FileOutputTest {
  static final int SECONDS = 4;

  /** Encodes SECONDS of test video (optional) and tone (optional) into a file. */
  static void record(Path file, String format, Encoding encoding, MediaCodec audioCodec, boolean video) {
    record(file, format, encoding, audioCodec, video, SECONDS);
  }

  /** Encodes {@code seconds} of test video (optional) and tone (optional) into a file. */
  static void record(Path file, String format, Encoding encoding, MediaCodec audioCodec, boolean video, int seconds) {
    try (FileMuxer mux = new FileMuxer(file, format);
        VideoEncoder v = video ? new VideoEncoder(encoding, mux.wantsGlobalHeader(), false) : null;
        AudioEncoder a = audioCodec == null ? null
            : new AudioEncoder(audioCodec, encoding.audioBitrate(), encoding.audioFrequency(), mux.wantsGlobalHeader())) {
      int vs = v == null ? -1 : mux.addStream(v);
      int as = a == null ? -1 : mux.addStream(a);
      int fps = encoding.framerate();
      long samples = 0;
      for (int i = 0; i < seconds * fps; i++) {
        if (v != null) {
          TestMedia.fillFrame(v.writableFrame(), i);
          v.encode(p -> mux.write(vs, p));
        }
        if (a != null) {
          long until = (long) (i + 1) * 48_000 / fps;
          int n = (int) (until - samples);
          a.encode(TestMedia.tone(samples, n, 440), n * 4, p -> mux.write(as, p));
          samples = until;
        }
      }
      if (v != null) {
        v.flush(p -> mux.write(vs, p));
      }
      if (a != null) {
        a.flush(p -> mux.write(as, p));
      }
    }
  }

  @Test
  void mp4WithH264AndAac(@TempDir Path tmp) throws Exception {
    Encoding e = Encoding.DEFAULT.withKeyFrameInterval(2);
    Path file = tmp.resolve("out.mp4");
    record(file, "mp4", e, MediaCodec.AAC, true);

    JsonNode info = Probe.info(file);
    JsonNode video = Probe.stream(info, "video");
    JsonNode audio = Probe.stream(info, "audio");
    assertThat(video.get("codec_name").asText()).isEqualTo("h264");
    assertThat(video.get("width").asInt()).isEqualTo(1280);
    assertThat(video.get("height").asInt()).isEqualTo(720);
    assertThat(video.get("r_frame_rate").asText()).isEqualTo("30/1");
    assertThat(video.get("nb_frames").asInt()).isEqualTo(SECONDS * 30);
    assertThat(audio.get("codec_name").asText()).isEqualTo("aac");
    assertThat(audio.get("sample_rate").asInt()).isEqualTo(44100);
    assertThat(audio.get("channels").asInt()).isEqualTo(2);
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(SECONDS, within(0.1));
    assertThat(video.get("bit_rate").asDouble()).isCloseTo(3_000_000, within(450_000.0)); // ±15 %
    assertThat(Probe.keyFrameTimes(file)).containsExactly(0.0, 2.0);
    assertThat(Probe.decodedVideoFrames(file)).isEqualTo(SECONDS * 30);
    assertThat(Probe.meanVolumeDb(file)).isGreaterThan(-20);
    // fast start: the index (moov) comes before the media (mdat)
    byte[] head = java.nio.file.Files.readAllBytes(file);
    String text = new String(head, 0, Math.min(head.length, 64 * 1024), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text.indexOf("moov")).isPositive().isLessThan(text.indexOf("mdat"));
  }

  /**
   * Audio that is encoded before the first H.264 packet (the video encoder's lookahead, or a camera
   * that starts later) is held until the header can be written, not dropped: the audio track keeps
   * all its sound and its place (dropping shortened it and, every track starting at zero, moved the
   * sound early by what was dropped).
   */
  @Test
  void audioBeforeTheFirstVideoPacketIsKept(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("held.mp4");
    Encoding e = Encoding.DEFAULT.withKeyFrameInterval(2);
    try (FileMuxer mux = new FileMuxer(file, "mp4");
        VideoEncoder v = new VideoEncoder(e, mux.wantsGlobalHeader(), false);
        AudioEncoder a = new AudioEncoder(MediaCodec.AAC, e.audioBitrate(), e.audioFrequency(), mux.wantsGlobalHeader())) {
      int vs = mux.addStream(v);
      int as = mux.addStream(a);
      long samples = 0;
      for (int i = 0; i < SECONDS * 30; i++) {
        long until = (long) (i + 1) * 48_000 / 30;
        int n = (int) (until - samples);
        a.encode(TestMedia.tone(samples, n, 440), n * 4, p -> mux.write(as, p));
        samples = until;
        if (i >= 15) { // the first picture comes half a second after the sound
          TestMedia.fillFrame(v.writableFrame(), i);
          v.encode(p -> mux.write(vs, p));
        }
      }
      v.flush(p -> mux.write(vs, p));
      a.flush(p -> mux.write(as, p));
      assertThat(mux.droppedBeforeStart()).as("audio packets dropped").isZero();
    }
    JsonNode audio = Probe.stream(Probe.info(file), "audio");
    assertThat(audio.get("duration").asDouble()).as("seconds of sound").isCloseTo(SECONDS, within(0.05));
  }

  @Test
  void oggWithOpus(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out.ogg");
    record(file, "ogg", Encoding.DEFAULT, MediaCodec.OPUS, false);
    JsonNode info = Probe.info(file);
    JsonNode audio = Probe.stream(info, "audio");
    assertThat(audio.get("codec_name").asText()).isEqualTo("opus");
    assertThat(audio.get("sample_rate").asInt()).isEqualTo(48000);
    assertThat(Probe.stream(info, "video")).isNull();
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(SECONDS, within(0.1));
    assertThat(Probe.meanVolumeDb(file)).isGreaterThan(-20);
  }

  @Test
  void mp3(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out.mp3");
    record(file, "mp3", Encoding.DEFAULT, MediaCodec.MP3, false);
    JsonNode info = Probe.info(file);
    assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("mp3");
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(SECONDS, within(0.1));
    assertThat(Probe.meanVolumeDb(file)).isGreaterThan(-20);
  }
}
