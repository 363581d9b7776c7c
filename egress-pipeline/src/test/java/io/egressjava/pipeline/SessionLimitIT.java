package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session limit ends the egress as LIMIT_REACHED, with the file finalized and stored (protocol.md §4.4). */
class SessionLimitIT {

  @Test
  void fileLimitEndsWithAFinalizedFile(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("storage"));
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h\n"
        + "session_limits: {file_output_max_duration: 3s, segment_output_max_duration: 1h}", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360))
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("limited.mp4"));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_limit").setWeb(web).build());
    assertThat(plan.sessionLimit()).isEqualTo(Duration.ofSeconds(3));
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    new PipelineRunner(config, new TestPatternSource(640, 360, 30), tmp.resolve("work"), root, Clock.systemUTC())
        .start(plan, session);
    Ports.await(Duration.ofSeconds(30), "the limit to end the egress", session::isFinished);

    EgressInfo info = session.info();
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_LIMIT_REACHED);
    assertThat(info.getError()).isEqualTo("Session limit reached");
    assertThat(info.getErrorCode()).isEqualTo(413);
    assertThat(info.getDetails()).isEqualTo("End reason: Session limit reached");
    Path file = root.resolve("limited.mp4");
    assertThat(info.getFileResults(0).getLocation()).isEqualTo(file.toString());
    assertThat(Probe.info(file).get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.7));
    assertThat(Probe.decodedVideoFrames(file)).isGreaterThan(60);
  }

  /** file_output_max_size: the work directory outgrows the limit → LIMIT_REACHED, the file finalized and stored. */
  @Test
  void sizeLimitEndsWithAFinalizedFile(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("storage"));
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h\n"
        + "session_limits: {file_output_max_size: 150000}", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setVideoBitrate(2000))
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("sized.mp4"));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_size").setWeb(web).build());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    Duration before = LimitWatch.sizeCheckInterval;
    LimitWatch.sizeCheckInterval = Duration.ofMillis(250);
    try {
      new PipelineRunner(config, new TestPatternSource(640, 360, 30), tmp.resolve("work"), root, Clock.systemUTC())
          .start(plan, session);
      Ports.await(Duration.ofSeconds(60), "the size limit to end the egress", session::isFinished);
    } finally {
      LimitWatch.sizeCheckInterval = before;
    }
    EgressInfo info = session.info();
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_LIMIT_REACHED);
    assertThat(info.getError()).isEqualTo("Session limit reached");
    assertThat(info.getErrorCode()).isEqualTo(413);
    Path file = root.resolve("sized.mp4");
    assertThat(Files.size(file)).as("stopped once past the limit").isBetween(150_000L, 1_000_000L);
    assertThat(Probe.decodedVideoFrames(file)).isGreaterThan(10);
  }
}
