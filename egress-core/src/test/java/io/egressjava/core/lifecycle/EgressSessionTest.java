package io.egressjava.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.plan.EgressPlanner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;

class EgressSessionTest {
  private final List<EgressInfo> reported = new ArrayList<>();

  private EgressSession session() {
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h\n", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("a.mp4"));
    var plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_session").setWeb(web).build());
    return new EgressSession(plan, Clock.systemUTC(), reported::add);
  }

  /**
   * The service answers StopEgress with ENDING while the handler may still send updates it made
   * while ACTIVE: their results are mirrored, the status stays ENDING (it was seen going back).
   */
  @Test
  void aMirroredUpdateNeverTakesTheStatusBack() {
    EgressSession s = session();
    EgressInfo handlerActive = s.info().toBuilder().setStatus(EgressStatus.EGRESS_ACTIVE).build();
    s.mirror(handlerActive);
    assertThat(s.ending(EgressSession.STOP_EGRESS_API).getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);

    s.mirror(handlerActive.toBuilder().addStreamResults(LivekitEgress.StreamInfo.newBuilder().setUrl("rtmp://x")).build());
    assertThat(s.status()).isEqualTo(EgressStatus.EGRESS_ENDING);
    assertThat(s.info().getDetails()).isEqualTo("End reason: StopEgress API");
    assertThat(s.info().getStreamResultsList()).hasSize(1);

    s.mirror(handlerActive.toBuilder().setStatus(EgressStatus.EGRESS_COMPLETE).build());
    assertThat(s.status()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(reported).extracting(EgressInfo::getStatus).containsExactly(EgressStatus.EGRESS_ACTIVE,
        EgressStatus.EGRESS_ENDING, EgressStatus.EGRESS_ENDING, EgressStatus.EGRESS_COMPLETE);
  }

  @Test
  void aMirroredStartingUpdateDoesNotUndoActive() {
    EgressSession s = session();
    s.active();
    s.mirror(s.info().toBuilder().setStatus(EgressStatus.EGRESS_STARTING).build());
    assertThat(s.status()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
  }

  /** Out of memory: the egress ends at once, but fails only after its outputs are stored, with their results. */
  @Test
  void failingWhenFinalizedKeepsTheResultsTheRunnerReports() {
    EgressSession s = session();
    s.active();
    var oom = new io.egressjava.api.errors.PsrpcException(io.egressjava.api.errors.PsrpcCode.PERMISSION_DENIED,
        "OOM: 2.34 GB used");
    EgressInfo ending = s.failWhenFinalized(oom);
    assertThat(ending.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
    assertThat(ending.getDetails()).isEqualTo("End reason: Failure");
    s.complete(b -> b.addFileResults(LivekitEgress.FileInfo.newBuilder().setFilename("a.mp4").setSize(1234)));
    EgressInfo end = s.info();
    assertThat(end.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(end.getError()).isEqualTo("OOM: 2.34 GB used");
    assertThat(end.getErrorCode()).isEqualTo(403);
    assertThat(end.getFileResultsList()).anyMatch(f -> f.getSize() == 1234);
    assertThat(reported.get(reported.size() - 1)).isEqualTo(end);
  }

  @Test
  void failingWhenFinalizedBeforeTheStartFailsAtOnce() {
    EgressSession s = session();
    var oom = new io.egressjava.api.errors.PsrpcException(io.egressjava.api.errors.PsrpcCode.PERMISSION_DENIED, "OOM");
    assertThat(s.failWhenFinalized(oom).getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
  }

  /** The pause note sits after the end reason, and an end still gets its default reason. */
  @Test
  void thePauseNoteFollowsTheEndReason() {
    EgressSession s = session();
    s.active();
    s.controlNote("paused (cut) since 12:00:03Z");
    assertThat(s.info().getDetails()).isEqualTo("paused (cut) since 12:00:03Z");
    s.controlNote("paused 15.0 s in 1 span (cut)");
    s.complete(b -> { });
    assertThat(s.info().getDetails()).isEqualTo("End reason: Source closed; paused 15.0 s in 1 span (cut)");
    assertThat(reported).extracting(EgressInfo::getDetails).containsExactly("", "paused (cut) since 12:00:03Z",
        "paused 15.0 s in 1 span (cut)", "End reason: Source closed; paused 15.0 s in 1 span (cut)");
  }
}
