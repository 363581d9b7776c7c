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
    long ms = 1_000_000L;
    c.seconds(0xFFFF_FC40L, 0, 0); // 960 before the wrap
    assertThat(c.seconds(0x0000_0000L, 20 * ms, 0)).isCloseTo(0.02, within(1e-9));
    assertThat(c.seconds(0x0000_03C0L, 40 * ms, 0)).isCloseTo(0.04, within(1e-9));
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

  /**
   * The SFU starts a subscription with a burst: 0.8 s of audio arrives within 20 ms, then packets
   * come every 20 ms. Settling puts the start where the on-time packets say it was, and the held
   * frames are replayed 20 ms apart instead of bunched (or re-anchored as a "jump").
   */
  @Test
  void aStartBurstIsSettledToWhereOnTimeFramesPutTheStart() {
    TrackClock c = new TrackClock(48_000);
    long t0 = 50 * SECOND;
    long ms = 1_000_000L;
    for (int i = 0; i < 40; i++) { // burst: 40 packets (0.8 s) within 20 ms
      c.observe(i * 960L, t0 + i * ms / 2);
    }
    for (int i = 40; i < 90; i++) { // on time from here: packet i arrives 20 ms after i-1
      c.observe(i * 960L, t0 + 20 * ms + (i - 40) * 20 * ms);
    }
    c.settle();
    // packet 40 (RTP 0.8 s) arrived on time at t0 + 20 ms, so packet 0 belonged at t0 + 20 ms - 0.8 s
    assertThat(c.baseArrivalNanos()).isEqualTo(t0 + 20 * ms - 800 * ms);
    long origin = c.baseArrivalNanos();
    for (int i = 0; i < 90; i++) {
      long arrival = i < 40 ? t0 + i * ms / 2 : t0 + 20 * ms + (i - 40) * 20 * ms;
      assertThat(c.seconds(i * 960L, arrival, origin)).as("packet %d", i).isCloseTo(i * 0.02, within(1e-9));
    }
    assertThat(c.rebases()).as("the burst is no jump").isZero();
    // after the replay, live frames are placed as before
    assertThat(c.seconds(90 * 960L, t0 + 20 * ms + 50 * 20 * ms, origin)).isCloseTo(1.8, within(1e-9));
  }

  /**
   * A long hold (time zero comes from a page that starts later): the publisher's RTP time fell
   * 100 ms behind real time early on (audio it never delivered). The start is taken from the last
   * second, where frames say where they belong now, not from the early ones, which would place
   * every later frame 100 ms before its arrival.
   */
  @Test
  void aLongHoldSettlesOnItsLastSecond() {
    TrackClock c = new TrackClock(48_000);
    long t0 = 50 * SECOND;
    long ms = 1_000_000L;
    for (int i = 0; i < 250; i++) { // 5 s of packets; from packet 100 on, 100 ms later than their RTP time says
      c.observe(i * 960L, t0 + i * 20 * ms + (i >= 100 ? 100 * ms : 0));
    }
    c.settle();
    assertThat(c.baseArrivalNanos()).isEqualTo(t0 + 100 * ms);
  }

  /**
   * A track subscribed after the start-up hold also begins with the SFU's burst: 0.8 s of audio
   * within 20 ms. The burst collapses where it arrived, and from the first on-time frame on the
   * track is where its RTP time says, not 0.8 s late.
   */
  @Test
  void aLateTracksBurstDoesNotDelayIt() {
    TrackClock c = new TrackClock(48_000);
    long t0 = 50 * SECOND;
    long ms = 1_000_000L;
    for (int i = 0; i < 40; i++) {
      c.seconds(i * 960L, t0 + i * ms / 2, 0);
    }
    // packet 40 comes on time, 20 ms after the burst: its place is its arrival
    assertThat(c.seconds(40 * 960L, t0 + 20 * ms, 0)).isCloseTo((t0 + 20 * ms) / 1e9, within(1e-9));
    assertThat(c.seconds(41 * 960L, t0 + 40 * ms, 0)).isCloseTo((t0 + 40 * ms) / 1e9, within(1e-9));
    assertThat(c.rebases()).isZero();
  }

  /** This receiver stalled for 0.9 s (its socket kept the packets): once caught up, frames are back in place. */
  @Test
  void aReceiverStallDoesNotShiftTheTrack() {
    TrackClock c = new TrackClock(48_000);
    long ms = 1_000_000L;
    for (int i = 0; i < 10; i++) {
      assertThat(c.seconds(i * 960L, i * 20 * ms, 0)).isCloseTo(i * 0.02, within(1e-9));
    }
    // packets 10..55 were due from 200 ms on, but are all read at 1.1 s
    for (int i = 10; i < 56; i++) {
      c.seconds(i * 960L, 1_100 * ms + (i - 10) * ms / 10, 0);
    }
    assertThat(c.seconds(56 * 960L, 1_120 * ms, 0)).as("first frame after the catch-up").isCloseTo(1.12, within(1e-9));
  }

  /**
   * A network outage of 5 s: the frames after it were held back for the NACKs of the gap and come
   * a second late (marked delayed). They keep their RTP place, so the gap in the recording is the
   * outage's, not a second more; undelayed, the same lateness is taken for a paused sender.
   */
  @Test
  void framesTheNetworkDelayedKeepTheirPlace() {
    TrackClock c = new TrackClock(48_000);
    long ms = 1_000_000L;
    c.seconds(0, 0, 0);
    c.seconds(960, 20 * ms, 0);
    // 20 ms to 5.02 s lost; the frame of 5.04 s is released at 6.04 s with those after it
    assertThat(c.seconds(252 * 960L, 6_040 * ms, 0, true)).isCloseTo(5.04, within(1e-9));
    assertThat(c.seconds(253 * 960L, 6_041 * ms, 0, true)).isCloseTo(5.06, within(1e-9));
    assertThat(c.rebases()).isZero();
    assertThat(c.seconds(254 * 960L, 6_042 * ms, 0)).as("undelayed, the same lateness is a pause").isCloseTo(6.042, within(1e-9));
    assertThat(c.rebases()).isEqualTo(1);
  }
}
