package io.egressjava.source.room.composite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlayoutTest {
  private static final long FRAME_RTP = 3000; // 30 fps at 90 kHz
  private static final long FRAME_NANOS = 33_333_333L;

  /**
   * Pictures arriving with up to 25 ms of jitter, taken by a 30 fps composer at any phase: under
   * 1 % repeat (the bar; the window's earliest arrival still moves a little as it slides),
   * and none is shown before it arrived. Taken at arrival instead, a phase
   * within the jitter repeats (and skips) over a fifth of them.
   */
  @Test
  void jitterUnderTheDelayRepeatsUnderOnePercentAtAnyPhase() {
    Playout p = new Playout();
    Random random = new Random(7);
    long start = 5_000_000_000L;
    int n = 900;
    long[] at = new long[n];
    long[] arrival = new long[n];
    Playout.Slot[] slots = new Playout.Slot[n];
    for (int i = 0; i < n; i++) {
      arrival[i] = start + i * FRAME_NANOS + (i == 0 ? 0 : (long) (random.nextDouble() * 25_000_000L));
      slots[i] = p.arrived(1000 + i * FRAME_RTP, arrival[i]);
      at[i] = p.showAt(slots[i], arrival[i]);
      if (arrival[i] - start < Playout.SETTLE_SECONDS * 1e9) {
        assertThat(at[i]).as("picture %d, while the schedule settles", i).isEqualTo(Long.MAX_VALUE);
        continue;
      }
      if (at[i - 1] == Long.MAX_VALUE) { // settled: the pictures held are placed on the schedule
        for (int j = 0; j < i; j++) {
          at[j] = p.showAt(slots[j], arrival[i]);
          assertThat((double) (at[j] - at[0])).as("held picture %d on the frame grid", j).isCloseTo(j * (double) FRAME_NANOS, within(1e6));
        }
      }
      assertThat(at[i]).as("picture %d shown after it arrived", i).isGreaterThanOrEqualTo(arrival[i]);
      assertThat((double) (at[i] - at[0])).as("picture %d on the frame grid (±1 ms)", i).isCloseTo(i * (double) FRAME_NANOS, within(1e6));
    }
    assertThat(at[0] - start).isEqualTo(30_000_000L);
    for (long phase = 0; phase < FRAME_NANOS; phase += 1_000_000L) {
      assertThat(repeats(at, start + phase)).as("repeats at phase %d ms", phase / 1_000_000).isLessThanOrEqualTo(n / 100);
    }
    assertThat(repeats(arrival, start + 12_500_000L)).as("taken at arrival").isGreaterThan(n / 5);
  }

  /**
   * The SFU's backlog first (ten pictures a third of a second late, a millisecond apart), then
   * pictures on time: nothing is shown until the schedule settled, and it is the on-time pictures'
   * schedule; the backlog is then due at once (skipped to the latest). Taken from the first
   * picture, the schedule showed the start 330 ms late.
   */
  @Test
  void aLateStartDoesNotSetTheSchedule() {
    Playout p = new Playout();
    long base = 2_000_000_000L;
    long first = base + 330_000_000L;
    List<Playout.Slot> burst = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      burst.add(p.arrived(k * FRAME_RTP, first + k * 1_000_000L));
      assertThat(p.showAt(burst.get(k), first + k * 1_000_000L)).as("burst picture %d", k).isEqualTo(Long.MAX_VALUE);
    }
    Playout.Slot last = null;
    long lastArrival = 0;
    for (int k = 10; lastArrival - first < Playout.SETTLE_SECONDS * 1e9; k++) {
      lastArrival = base + k * FRAME_NANOS;
      last = p.arrived(k * FRAME_RTP, lastArrival);
    }
    assertThat(p.showAt(last, lastArrival)).as("on time plus the delay").isEqualTo(lastArrival + 30_000_000L);
    for (Playout.Slot b : burst) {
      assertThat(p.showAt(b, lastArrival)).as("the backlog, due").isLessThan(lastArrival);
    }
  }

  /** A screen share that sends one picture and then nothing for long: shown once the schedule settled. */
  @Test
  void aSlowTileSettlesWithinASecond() {
    Playout p = new Playout();
    long t = 3_000_000_000L;
    Playout.Slot only = p.arrived(0, t);
    assertThat(p.showAt(only, t + 500_000_000L)).isEqualTo(Long.MAX_VALUE);
    assertThat(p.showAt(only, t + 1_000_000_000L)).isEqualTo(t + 30_000_000L);
  }

  /** Ticks from {@code first} on where the latest picture due is the one shown at the tick before. */
  private static int repeats(long[] due, long first) {
    int repeats = 0;
    int shown = -1;
    for (long tick = first + FRAME_NANOS * 2; tick < due[due.length - 1] - FRAME_NANOS; tick += FRAME_NANOS) {
      int latest = -1;
      for (int i = 0; i < due.length && due[i] <= tick; i++) {
        latest = i;
      }
      if (latest == shown) {
        repeats++;
      }
      shown = latest;
    }
    return repeats;
  }

  @Test
  void rtpWrapsAroundAndAJumpStartsAgain() {
    Playout p = new Playout();
    long t = 1_000_000_000L;
    long settled = t + 1_100_000_000L;
    Playout.Slot a = p.arrived(0xffffffffL - 1000, t);
    Playout.Slot b = p.arrived(2000, t + FRAME_NANOS); // 3001 ticks later, across the wrap
    assertThat((double) (p.showAt(b, settled) - p.showAt(a, settled))).isCloseTo(3001 / 90_000.0 * 1e9, within(1e5));
    long now = t + 2 * FRAME_NANOS;
    Playout.Slot c = p.arrived(2000 + 90_000L * 20, now); // 20 s ahead in RTP, not in time: a new stream
    assertThat(p.showAt(b, now)).as("a picture of the old stream").isEqualTo(Long.MIN_VALUE);
    assertThat(p.showAt(c, now)).as("the new stream settles").isEqualTo(Long.MAX_VALUE);
    assertThat(p.showAt(c, now + 1_000_000_000L) - now).isEqualTo(30_000_000L);
  }
}
