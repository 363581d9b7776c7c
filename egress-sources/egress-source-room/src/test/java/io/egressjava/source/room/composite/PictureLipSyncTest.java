package io.egressjava.source.room.composite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PictureLipSyncTest {
  private final Map<String, Double> shown = new HashMap<>();
  private final Map<String, Double> mixed = new HashMap<>();
  private long now = 1_000_000_000L;
  private final PictureLipSync sync = new PictureLipSync(id -> shown.getOrDefault(id, Double.NaN),
      id -> mixed.getOrDefault(id, Double.NaN), 0.020, 0.050, () -> now, "EG_test");

  /** Alice's picture is composed 62 ms after her clock says, her sound mixed at 35 ms: it waits 27 ms plus half a frame. */
  @Test
  void soundWaitsForThePictureOfTheSameMoment() {
    shown.put("alice", 100.062);
    mixed.put("alice", 100.035);
    assertThat(sync.applyAsDouble("alice")).isCloseTo(0.047, within(1e-9));
  }

  @Test
  void withoutReportsTheFixedDelay() {
    mixed.put("alice", 100.035);
    assertThat(sync.applyAsDouble("alice")).isEqualTo(0.050);
    assertThat(sync.applyAsDouble("bob")).isEqualTo(0.050);
  }

  /** Reports that put sound and picture seconds apart do not describe the media; a picture before its sound gets it at once. */
  @Test
  void implausibleReportsAreNotFollowed() {
    shown.put("alice", 103.0);
    mixed.put("alice", 100.0);
    assertThat(sync.applyAsDouble("alice")).isEqualTo(0.050);
    shown.put("bob", 100.0);
    mixed.put("bob", 100.1);
    assertThat(sync.applyAsDouble("bob")).isEqualTo(0.0);
  }

  /** Asked for every sound packet: worked out again only every half second. */
  @Test
  void reworkedEveryHalfSecond() {
    shown.put("alice", 100.062);
    mixed.put("alice", 100.035);
    sync.applyAsDouble("alice");
    shown.put("alice", 100.072);
    now += 400_000_000L;
    assertThat(sync.applyAsDouble("alice")).isCloseTo(0.047, within(1e-9));
    now += 200_000_000L;
    assertThat(sync.applyAsDouble("alice")).isCloseTo(0.057, within(1e-9));
  }
}
