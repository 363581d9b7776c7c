package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which picture each output slot (30 fps: 0, 33.3, 66.7 ms…) shows. */
class ConstantFrameRateTest {
  private static final double MS = 0.001;

  /**
   * A jittery camera: frames at 20 and 45 ms both fall nearest to the 33 ms slot. The later one (it
   * may be a flash) is shown there; the one before it is dropped, not the other way round.
   */
  @Test
  void twoFramesNearOneSlotKeepTheLater() {
    ConstantFrameRate cfr = new ConstantFrameRate(30);
    assertThat(cfr.decide(-10 * MS, 20 * MS)).isEqualTo(new ConstantFrameRate.Slots(0, 1)); // slot 0 ← frame at -10
    assertThat(cfr.decide(20 * MS, 45 * MS)).isEqualTo(new ConstantFrameRate.Slots(0, 0)); // slot 33 undecided
    assertThat(cfr.decide(45 * MS, 80 * MS)).isEqualTo(new ConstantFrameRate.Slots(0, 1)); // slot 33 ← 45 ms
    assertThat(cfr.emitted()).isEqualTo(2);
  }

  /** A stall: the picture before it is repeated until the next one is due, never shown early. */
  @Test
  void aStallRepeatsThePictureBeforeIt() {
    ConstantFrameRate cfr = new ConstantFrameRate(30);
    cfr.decide(0, 33 * MS);
    // the frame at 33 ms comes, then nothing until 500 ms
    ConstantFrameRate.Slots s = cfr.decide(33 * MS, 500 * MS);
    assertThat(s.repeats()).isZero();
    assertThat(s.previous()).as("slots 33 … 467 ms").isEqualTo(14);
  }

  /** The first picture comes at 1.2 s: the slots before it are repeats of nothing (the video starts there). */
  @Test
  void slotsBeforeTheFirstPictureAreNotItsOwn() {
    ConstantFrameRate cfr = new ConstantFrameRate(30);
    ConstantFrameRate.Slots s = cfr.decide(1.2, 1.2 + 1 / 30.0);
    assertThat(s.repeats()).isEqualTo(36);
    assertThat(s.previous()).isEqualTo(1);
  }
}
