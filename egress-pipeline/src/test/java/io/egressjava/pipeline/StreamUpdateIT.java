package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.NginxRtmpServer;
import io.egressjava.testrig.Ports;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.StreamInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UpdateStream on a transcoding egress (room composite, web, participant, track composite all run
 * here): destinations added and removed while streaming into a real nginx-rtmp, each ending with its
 * own StreamInfo, and removing the last one ends the egress as the reference does.
 */
class StreamUpdateIT {

  @Test
  void streamsAreAddedAndRemovedWhileRecordingAndTheLastRemovalEndsTheEgress(@TempDir Path tmp) throws Exception {
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    try (NginxRtmpServer rtmp = new NginxRtmpServer().start()) {
      String first = rtmp.url("first-key");
      String second = rtmp.url("second-key");
      var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
          .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setVideoBitrate(800))
          .addStreamOutputs(LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP)
              .addUrls(first));
      EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
          .plan(StartEgressRequest.newBuilder().setEgressId("EG_streams").setWeb(web).build());
      EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
      PipelineRunner runner = new PipelineRunner(config, new TestPatternSource(640, 360, 30), tmp.resolve("work"), tmp,
          Clock.systemUTC());
      runner.start(plan, session);
      Ports.await(Duration.ofSeconds(15), "the first stream to start", () -> session.info().getStreamResults(0).getStartedAt() > 0);
      Thread.sleep(3_000);

      runner.updateStream(List.of(second), List.of(first));
      EgressInfo afterSwap = session.info();
      assertThat(afterSwap.getStreamResultsList()).extracting(StreamInfo::getStatus)
          .containsExactly(StreamInfo.Status.FINISHED, StreamInfo.Status.ACTIVE);
      assertThat(afterSwap.getStreamResults(1).getUrl()).isEqualTo("rtmp://127.0.0.1:" + rtmp.port() + "/live/{sec...key}");
      assertThat(afterSwap.getStreamResults(0).getDuration() / 1e9).isCloseTo(3.0, within(1.0));
      assertThat(afterSwap.getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);

      // the reference's errors: an unknown stream, a URL of the wrong kind (nothing else changes)
      assertThatThrownBy(() -> runner.updateStream(List.of("srt://127.0.0.1:9/x"), List.of("rtmp://127.0.0.1/live/none")))
          .isInstanceOfSatisfying(PsrpcException.class, e -> {
            assertThat(e.code()).isEqualTo(PsrpcCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isEqualTo("invalid url srt://127.0.0.1:9/x: invalid scheme\n"
                + "stream rtmp://127.0.0.1/live/none not found");
          });
      assertThat(session.info().getStreamResultsCount()).isEqualTo(2);

      Ports.await(Duration.ofSeconds(15), "the second stream to start", () -> session.info().getStreamResults(1).getStartedAt() > 0);
      Thread.sleep(3_000);
      runner.updateStream(List.of(), List.of(second));
      Ports.await(Duration.ofSeconds(30), "the egress to end", session::isFinished);

      EgressInfo end = session.info();
      assertThat(end.getStatus()).as(end.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(end.getDetails()).isEqualTo("End reason: All streams stopped");
      assertThat(end.getStreamResultsList()).allSatisfy(s -> {
        assertThat(s.getStatus()).isEqualTo(StreamInfo.Status.FINISHED);
        assertThat(s.getDuration() / 1e9).isCloseTo(3.0, within(1.5));
      });
      assertThat(end.getStream().getInfoList()).isEqualTo(end.getStreamResultsList());
      rtmp.stop();
      for (String key : List.of("first-key", "second-key")) {
        double seconds = Probe.info(rtmp.recording(key)).get("format").get("duration").asDouble();
        assertThat(seconds).as(key).isCloseTo(3.0, within(1.5));
      }
    }
  }
}
