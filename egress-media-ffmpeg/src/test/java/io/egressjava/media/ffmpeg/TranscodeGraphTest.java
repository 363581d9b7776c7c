package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pair of encoders feeding an MP4 file, HLS segments and JPEG stills at once; a broken output fails alone. */
class TranscodeGraphTest {

  @Test
  void sharedEncodersFanOutAndABrokenOutputFailsAlone(@TempDir Path tmp) throws Exception {
    Encoding e = new Encoding(640, 360, 24, 30, 1000, 0, "main", 128, 44100);
    int seconds = 9;
    List<Path> segments = new CopyOnWriteArrayList<>();
    List<Path> images = new CopyOnWriteArrayList<>();
    TranscodeGraph graph = new TranscodeGraph(e, MediaCodec.AAC, true, false);
    graph.addFile(tmp.resolve("room.mp4"), "mp4");
    graph.addFile(Path.of("/proc/egress-java-cannot-write-here/room.mp4"), "mp4");
    graph.addSegments(new SegmentWriter(i -> tmp.resolve(String.format("seg_%05d.ts", i)), 4, Instant.now(),
        graph.videoEncoder(), graph.audioEncoder(), (file, start, duration) -> segments.add(file)));
    graph.addImages(320, 180, Duration.ofSeconds(2), i -> tmp.resolve(String.format("img_%05d.jpeg", i)), images::add);
    long samples = 0;
    for (int i = 0; i < seconds * 30; i++) {
      TestMedia.fillFrame(graph.videoFrameToFill(), i);
      graph.encodeFilledVideo();
      long until = (long) (i + 1) * 48_000 / 30;
      int n = (int) (until - samples);
      graph.pushAudio(TestMedia.tone(samples, n, 440), n * 4);
      samples = until;
    }
    graph.close();

    assertThat(graph.failures()).hasSize(1);
    assertThat(graph.failures().get(0).output()).isEqualTo("file room.mp4");
    assertThat(graph.failures().get(0).error()).contains("avio_open");

    Path mp4 = tmp.resolve("room.mp4");
    JsonNode info = Probe.info(mp4);
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(seconds, within(0.1));
    assertThat(Probe.decodedVideoFrames(mp4)).isEqualTo(seconds * 30); // parameter sets came from the first key frame
    assertThat(Probe.meanVolumeDb(mp4)).isGreaterThan(-20);

    assertThat(segments).hasSize(3);
    assertThat(Probe.decodedVideoFrames(segments.get(0))).isEqualTo(4 * 30);
    assertThat(images).hasSize(5); // at 0, 2, 4, 6, 8 s
    assertThat(Probe.stream(Probe.info(images.get(4)), "video").get("width").asInt()).isEqualTo(320);
  }
}
