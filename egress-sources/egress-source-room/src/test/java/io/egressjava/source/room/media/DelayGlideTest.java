package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DelayGlideTest {
  private static final int CHUNK = 960; // 20 ms at 48 kHz

  /** A stereo chunk whose left channel counts samples from {@code first} (a ramp: resizes stay ramps). */
  private static byte[] ramp(int first) {
    byte[] pcm = new byte[CHUNK * 4];
    for (int i = 0; i < CHUNK; i++) {
      int v = (first + i) % 30_000;
      pcm[i * 4] = (byte) v;
      pcm[i * 4 + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  private static int left(byte[] pcm, int index) {
    return (short) ((pcm[index * 4] & 0xFF) | (pcm[index * 4 + 1] << 8));
  }

  @Test
  void theFirstChunkTakesTheDelayAsItIsAndLaterChangesGlideWithoutGapOrOverlap() {
    DelayGlide glide = new DelayGlide();
    long next = -1;
    long undelayed = 0;
    double target = 0.050;
    for (int k = 0; k < 200; k++) {
      if (k == 10) {
        target = 0.060; // a 10 ms step up
      } else if (k == 120) {
        target = 0.045; // then 15 ms down
      }
      DelayGlide.Placed p = glide.place(undelayed, ramp(k * CHUNK), CHUNK * 4, target);
      if (k == 0) {
        assertThat(p.position()).isEqualTo(2400);
      } else {
        assertThat(p.position()).as("chunk %d starts where the last ended", k).isEqualTo(next);
      }
      int samples = p.length() / 4;
      assertThat(Math.abs(samples - CHUNK)).as("pace changes by at most 1 %%").isLessThanOrEqualTo(9);
      next = p.position() + samples;
      undelayed += CHUNK;
      if (k == 119) {
        assertThat(glide.appliedSeconds()).as("10 ms reached within a second and a half").isCloseTo(0.060, within(1e-9));
      }
    }
    assertThat(glide.appliedSeconds()).isCloseTo(0.045, within(1e-9));
  }

  @Test
  void aResizedChunkKeepsItsEndsAndItsShape() {
    byte[] pcm = ramp(1000);
    byte[] longer = DelayGlide.resize(pcm, CHUNK, CHUNK + 9);
    assertThat(left(longer, 0)).isEqualTo(1000);
    assertThat(left(longer, CHUNK + 8)).isEqualTo(1000 + CHUNK - 1);
    for (int i = 1; i < CHUNK + 9; i++) {
      assertThat(left(longer, i) - left(longer, i - 1)).as("a ramp stays a ramp").isBetween(0, 1);
    }
    byte[] shorter = DelayGlide.resize(pcm, CHUNK, CHUNK - 9);
    assertThat(left(shorter, CHUNK - 10)).isEqualTo(1000 + CHUNK - 1);
  }
}
