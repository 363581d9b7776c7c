package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** How far the room's audio mix may go: behind real time, and behind an input that is late, within a bound. */
class MixClockTest {

  @Test
  void theMixRunsAFifthOfASecondBehindWhenEveryInputIsThere() {
    assertThat(RoomMediaSource.mixUntil(10.0, 10.05)).isCloseTo(9.8, within(1e-9));
  }

  @Test
  void theMixWaitsForAnInputWhoseSoundIsLate() {
    // a stalled decoder: one input has sound only up to 9.5 s; mixing on would drop what follows
    assertThat(RoomMediaSource.mixUntil(10.0, 9.5)).isCloseTo(9.5, within(1e-9));
  }

  @Test
  void theMixWaitsNoLongerThanASecond() {
    // a silent (DTX) or never-heard input holds the mix back, but only so far
    assertThat(RoomMediaSource.mixUntil(10.0, 3.0)).isCloseTo(10.0 - RoomMediaSource.MIX_WAIT_SECONDS, within(1e-9));
    assertThat(RoomMediaSource.mixUntil(10.0, Long.MIN_VALUE / 48_000.0))
        .isCloseTo(10.0 - RoomMediaSource.MIX_WAIT_SECONDS, within(1e-9));
  }
}
