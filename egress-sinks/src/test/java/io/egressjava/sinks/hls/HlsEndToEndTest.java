package io.egressjava.sinks.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.media.ffmpeg.SegmentWriter;
import io.egressjava.media.ffmpeg.TestMedia;
import io.egressjava.media.ffmpeg.VideoEncoder;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.LocalUploader;
import io.egressjava.storage.RetryPolicy;
import io.egressjava.storage.RetryingUploader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoded media → MPEG-TS segments → stored → playlists; the playlist plays end to end. */
class HlsEndToEndTest {

  @Test
  void tenSecondsInFourSecondSegments(@TempDir Path tmp) throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Path out = Files.createDirectories(tmp.resolve("out"));
    var names = OutputNames.segments("hls/seg", "hls/index", "hls/live", "room",
        Placeholders.forRequest("room", "", 0, ZonedDateTime.now(ZoneOffset.UTC)), 0, ZonedDateTime.now(ZoneOffset.UTC));
    EgressStorage storage = new EgressStorage(StorageConfig.LOCAL,
        new RetryingUploader(new LocalUploader(out), RetryPolicy.REFERENCE), null, null);
    Encoding e = new Encoding(640, 360, 24, 30, 1000, 0, "main", 128, 44100);
    int seconds = 10;
    try (SegmentPublisher publisher = new SegmentPublisher(storage, names, 4, work, 60, Clock.systemUTC());
        VideoEncoder v = new VideoEncoder(e, false, false);
        AudioEncoder a = new AudioEncoder(MediaCodec.AAC, 128, 44100, false);
        SegmentWriter segments = new SegmentWriter(i -> work.resolve(names.indexSegment(i)), 4,
            Instant.parse("2026-11-24T10:00:00Z"), v, a, publisher::segmentReady)) {
      long samples = 0;
      for (int i = 0; i < seconds * 30; i++) {
        TestMedia.fillFrame(v.writableFrame(), i);
        v.encode(segments.keyFrameDue(v.nextFrameTime()), segments::writeVideo);
        long until = (long) (i + 1) * 48_000 / 30;
        int n = (int) (until - samples);
        a.encode(TestMedia.tone(samples, n, 440), n * 4, segments::writeAudio);
        samples = until;
      }
      v.flush(segments::writeVideo);
      a.flush(segments::writeAudio);
    }

    Path playlist = out.resolve("hls/index.m3u8");
    List<String> lines = Files.readAllLines(playlist);
    assertThat(lines.stream().filter(l -> l.endsWith(".ts"))).containsExactly("seg_00000.ts", "seg_00001.ts", "seg_00002.ts");
    List<Double> durations = lines.stream().filter(l -> l.startsWith("#EXTINF:"))
        .map(l -> Double.parseDouble(l.substring(8, l.length() - 1))).toList();
    assertThat(durations.get(0)).isCloseTo(4.0, within(0.05));
    assertThat(durations.get(1)).isCloseTo(4.0, within(0.05));
    assertThat(durations.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(seconds, within(0.1));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("#EXT-X-ENDLIST");

    // every segment starts with a key frame, and the playlist plays through
    double first = Probe.keyFrameTimes(out.resolve("hls/" + names.indexSegment(0))).get(0);
    for (int i = 0; i < 3; i++) {
      Path seg = out.resolve("hls/" + names.indexSegment(i));
      JsonNode video = Probe.stream(Probe.info(seg), "video");
      double segmentStart = video.get("start_time").asDouble();
      double keyFrame = Probe.keyFrameTimes(seg).get(0);
      assertThat(keyFrame).as("segment %d opens with a key frame", i).isCloseTo(segmentStart, within(0.001));
      assertThat(keyFrame - first).as("segment %d on its 4 s boundary", i).isCloseTo(4.0 * i, within(0.04));
    }
    JsonNode info = Probe.info(playlist);
    assertThat(info.get("format").get("duration").asDouble()).isCloseTo(seconds, within(0.1));
    assertThat(Probe.decodedVideoFrames(playlist)).isEqualTo(seconds * 30);
    assertThat(Probe.meanVolumeDb(playlist)).isGreaterThan(-20);
  }
}
