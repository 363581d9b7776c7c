package io.egressjava.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import livekit.LivekitEgress;

/** Common expectations on the STARTING EgressInfo a plan carries. */
final class EgressInfoAssert {
  private EgressInfoAssert() {}

  static void startingInfo(EgressPlan p) {
    LivekitEgress.EgressInfo info = p.info();
    assertThat(info.getEgressId()).isEqualTo(p.egressId());
    assertThat(info.getRoomId()).isEqualTo(p.roomId());
    assertThat(info.getRoomName()).isEqualTo(p.roomName());
    assertThat(info.getStatus()).isEqualTo(LivekitEgress.EgressStatus.EGRESS_STARTING);
    assertThat(info.getStartedAt()).isEqualTo(EgressPlannerTest.CLOCK.instant().toEpochMilli() * 1_000_000L);
    assertThat(info.getUpdatedAt()).isEqualTo(info.getStartedAt());
    assertThat(info.getSourceType()).isEqualTo(p.sourceType());
  }
}
