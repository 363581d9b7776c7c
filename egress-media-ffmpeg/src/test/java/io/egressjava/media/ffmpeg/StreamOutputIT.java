package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.testrig.NginxRtmpServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.SrtReceiver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** RTMP into a real nginx-rtmp server and SRT into srt-live-transmit, read back and probed. */
class StreamOutputIT {
  static final Encoding E = new Encoding(640, 360, 24, 30, 1500, 1, "main", 128, 44100);

  /** Encodes {@code seconds} of test media in real time into a publisher; runs {@code midway} halfway. */
  static void stream(String format, int seconds, java.util.function.Function<VideoEncoder,
      java.util.function.Function<AudioEncoder, StreamPublisher>> make, Runnable midway) throws Exception {
    boolean global = format.equals("flv");
    try (VideoEncoder v = new VideoEncoder(E, global, true);
        AudioEncoder a = new AudioEncoder(MediaCodec.AAC, 128, 44100, global);
        StreamPublisher pub = make.apply(v).apply(a)) {
      long samples = 0;
      long start = System.nanoTime();
      for (int i = 0; i < seconds * 30; i++) {
        if (i == seconds * 15 && midway != null) {
          midway.run();
        }
        TestMedia.fillFrame(v.writableFrame(), i);
        v.encode(pub::writeVideo);
        long until = (long) (i + 1) * 48_000 / 30;
        int n = (int) (until - samples);
        a.encode(TestMedia.tone(samples, n, 440), n * 4, pub::writeAudio);
        samples = until;
        long wait = start + (i + 1) * 1_000_000_000L / 30 - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
      }
    }
  }

  @Test
  void rtmpWithARefusedSiblingThatFailsAlone() throws Exception {
    List<StreamPublisher.State> changes = new CopyOnWriteArrayList<>();
    String dead = "rtmp://127.0.0.1:" + Ports.free() + "/live/nobody-listens";
    try (NginxRtmpServer rtmp = new NginxRtmpServer().start()) {
      String good = rtmp.url("secret-stream-key");
      StreamPublisher[] holder = new StreamPublisher[1];
      stream("flv", 6, v -> a -> {
        holder[0] = new StreamPublisher("flv", v, a, Clock.systemUTC(), changes::add);
        holder[0].add(good, "rtmp://127.0.0.1/live/{sec...key}");
        holder[0].add(dead, "rtmp://127.0.0.1/live/{nob...ens}");
        return holder[0];
      }, () -> assertThat(holder[0].activeCount()).isGreaterThanOrEqualTo(1));
      Ports.await(Duration.ofSeconds(10), "nginx to finalize the recording", () -> rtmp.recording("secret-stream-key").toFile().length() > 0);
      Thread.sleep(500);
      JsonNode info = Probe.info(rtmp.recording("secret-stream-key"));
      assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("aac");
      assertThat(info.get("format").get("duration").asDouble()).isCloseTo(6.0, within(0.6));
      assertThat(Probe.meanVolumeDb(rtmp.recording("secret-stream-key"))).isGreaterThan(-20);
    }
    StreamPublisher.State deadFinal = changes.stream().filter(s -> s.url().contains("nob...ens")).reduce((x, y) -> y).orElseThrow();
    assertThat(deadFinal.status()).isEqualTo(StreamPublisher.Status.FAILED);
    assertThat(deadFinal.retries()).isEqualTo(StreamPublisher.MAX_RETRIES);
    StreamPublisher.State goodFinal = changes.stream().filter(s -> s.url().contains("sec...key")).reduce((x, y) -> y).orElseThrow();
    assertThat(goodFinal.status()).isEqualTo(StreamPublisher.Status.FINISHED);
    assertThat(goodFinal.startedAt()).isNotNull();
    // no stream key in what is reported
    assertThat(changes).noneMatch(s -> s.url().contains("secret-stream-key") || s.error().contains("secret-stream-key"));
  }

  @Test
  void srtRemovedMidwayStopsWhileTheRecordingKeepsTime() throws Exception {
    try (SrtReceiver srt = new SrtReceiver().start()) {
      StreamPublisher[] holder = new StreamPublisher[1];
      stream("mpegts", 6, v -> a -> {
        holder[0] = new StreamPublisher("mpegts", v, a, Clock.systemUTC(), s -> { });
        holder[0].add(srt.url(), srt.url());
        return holder[0];
      }, () -> holder[0].remove(srt.url()));
      srt.awaitIdle(Duration.ofMillis(500));
      JsonNode info = Probe.info(srt.output());
      assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("aac");
      assertThat(info.get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.6));
    }
  }
}
