package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's own pictures (plain I420 arrays, no FFmpeg types) and sound recorded through
 * the pipeline: the source SPI is all an embedder implements.
 */
class ApplicationPicturesTest {

  /** Two seconds of 30 fps pictures, dark then bright, and a 48 kHz sound; then the source ends. */
  private static final class OwnSource implements MediaSource {
    @Override
    public void start(Receiver receiver) {
      Thread t = new Thread(() -> {
        int w = 320;
        int h = 240;
        byte[] u = new byte[(w / 2) * (h / 2)];
        Arrays.fill(u, (byte) 128);
        byte[] v = u.clone();
        for (int i = 0; i < 60; i++) {
          byte[] y = new byte[w * h];
          Arrays.fill(y, (byte) (i < 30 ? 40 : 220));
          receiver.video(Picture.i420(w, h, y, u, v), i / 30.0);
          byte[] pcm = new byte[1600 * 4]; // 1/30 s of stereo s16le
          for (int s = 0; s < 1600; s++) {
            short x = (short) (8000 * Math.sin(2 * Math.PI * 440 * (i * 1600 + s) / 48_000.0));
            for (int c = 0; c < 2; c++) {
              pcm[s * 4 + c * 2] = (byte) x;
              pcm[s * 4 + c * 2 + 1] = (byte) (x >> 8);
            }
          }
          receiver.audio(pcm, pcm.length, i / 30.0);
        }
        receiver.ended();
      }, "own-source");
      t.start();
    }

    @Override
    public void stop() {}
  }

  @Test
  void ownI420PicturesAndPcmToMp4(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("storage"));
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(480))
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("own.mp4"));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_own").setWeb(web).build());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), info -> { });
    new PipelineRunner(config, new OwnSource(), tmp.resolve("work"), root, Clock.systemUTC()).start(plan, session);
    io.egressjava.testrig.Ports.await(Duration.ofSeconds(30), "the egress to finish", session::isFinished);

    assertThat(session.info().getStatus()).as(session.info().getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    Path mp4 = root.resolve("own.mp4");
    var probed = Probe.info(mp4);
    assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(2.0, within(0.2));
    assertThat(Probe.stream(probed, "video").get("width").asInt()).isEqualTo(640);
    assertThat(Probe.stream(probed, "video").get("nb_frames").asInt()).isBetween(59, 61);
    assertThat(Probe.meanVolumeDb(mp4)).as("the tone is in the file").isGreaterThan(-30);
  }
}
