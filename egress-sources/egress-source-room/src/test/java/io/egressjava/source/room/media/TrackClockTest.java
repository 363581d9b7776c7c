package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrackClockTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void framesArePlacedByRtpTimeNotArrival() {
    TrackClock c = new TrackClock(90_000);
    long origin = 100 * SECOND;
    assertThat(c.seconds(1_000, origin + 2 * SECOND, origin)).isCloseTo(2.0, within(1e-9));
    // arrives 80 ms late but is 1/30 s after the first frame in RTP time
    assertThat(c.seconds(4_000, origin + 2 * SECOND + 113_000_000L, origin)).isCloseTo(2.0 + 1 / 30.0, within(1e-9));
  }

  @Test
  void rtpWrapIsUnwrapped() {
    TrackClock c = new TrackClock(48_000);
    c.seconds(0xFFFF_FC40L, 0, 0); // 960 before the wrap
    assertThat(c.seconds(0x0000_0000L, 1, 0)).isCloseTo(0.02, within(1e-9));
    assertThat(c.seconds(0x0000_03C0L, 2, 0)).isCloseTo(0.04, within(1e-9));
  }

  @Test
  void offsetFromSenderIsTheSameForEveryFrameOfATrack() {
    TrackClock c = new TrackClock(48_000);
    c.seconds(48_000, 10 * SECOND, 0); // first frame: RTP 48000 arrived at 10 s
    // sender report: RTP 96000 was at publisher time 500.0 s, so RTP 48000 was at 499.0 s
    assertThat(c.offsetFromSender(500.0, 96_000)).isCloseTo(10.0 - 499.0, within(1e-9));
  }

  @Test
  void aPausedRtpClockLeavesAGapInsteadOfClosingIt() {
    TrackClock c = new TrackClock(48_000);
    assertThat(c.seconds(0, 0, 0)).isCloseTo(0.0, within(1e-9));
    assertThat(c.seconds(48_000, SECOND, 0)).isCloseTo(1.0, within(1e-9));
    // muted for 2 s: nothing sent, and the next packet continues the RTP time where it stopped
    assertThat(c.seconds(48_960, 3 * SECOND, 0)).isCloseTo(3.0, within(1e-9));
    assertThat(c.rebases()).isEqualTo(1);
    // jitter below the limit does not move frames
    assertThat(c.seconds(49_920, 3 * SECOND + 300_000_000L, 0)).isCloseTo(3.02, within(1e-9));
    assertThat(c.rebases()).isEqualTo(1);
  }

  @Test
  void correctionShiftsEveryFrame() {
    TrackClock c = new TrackClock(48_000);
    c.setCorrection(-0.05);
    assertThat(c.seconds(0, SECOND, 0)).isCloseTo(0.95, within(1e-9));
  }
}
