package io.egressjava.source.room.composite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    for (int i = 0; i < n; i++) {
      arrival[i] = start + i * FRAME_NANOS + (i == 0 ? 0 : (long) (random.nextDouble() * 25_000_000L));
      at[i] = p.showAt(1000 + i * FRAME_RTP, arrival[i]);
      assertThat(at[i]).as("picture %d shown after it arrived", i).isGreaterThanOrEqualTo(arrival[i]);
      assertThat((double) (at[i] - at[0])).as("picture %d on the frame grid (±1 ms)", i).isCloseTo(i * (double) FRAME_NANOS, within(1e6));
    }
    assertThat(at[0] - start).isEqualTo(30_000_000L);
    for (long phase = 0; phase < FRAME_NANOS; phase += 1_000_000L) {
      assertThat(repeats(at, start + phase)).as("repeats at phase %d ms", phase / 1_000_000).isLessThanOrEqualTo(n / 100);
    }
    assertThat(repeats(arrival, start + 12_500_000L)).as("taken at arrival").isGreaterThan(n / 5);
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
    long a = p.showAt(0xffffffffL - 1000, t);
    long b = p.showAt(2000, t + FRAME_NANOS); // 3001 ticks later, across the wrap
    assertThat((double) (b - a)).isCloseTo(3001 / 90_000.0 * 1e9, within(1e5));
    long c = p.showAt(2000 + 90_000L * 20, t + 2 * FRAME_NANOS); // 20 s ahead in RTP, not in time: a new stream
    assertThat(c - (t + 2 * FRAME_NANOS)).isEqualTo(30_000_000L);
  }
}
