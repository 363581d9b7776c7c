package io.egressjava.webrtc.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BeepSignalTest {
  @Test
  void oneKilohertzForTheFirstHundredMillisecondsOfEverySecond() {
    for (long second = 0; second < 3; second++) {
      long start = second * BeepSignal.SAMPLE_RATE;
      int crossings = 0;
      double energy = 0;
      for (int i = 0; i < BeepSignal.BEEP_SAMPLES; i++) {
        short s = BeepSignal.sample(start + i);
        energy += s * (double) s;
        if (i > 0 && (BeepSignal.sample(start + i - 1) < 0) != (s < 0)) {
          crossings++;
        }
      }
      assertThat(BeepSignal.sample(start)).as("starts at phase zero").isZero();
      assertThat(crossings).as("two zero crossings per period, 100 periods").isBetween(195, 205);
      assertThat(Math.sqrt(energy / BeepSignal.BEEP_SAMPLES)).isGreaterThan(0.3 * Short.MAX_VALUE);
      for (long i = BeepSignal.BEEP_SAMPLES; i < BeepSignal.SAMPLE_RATE; i++) {
        assertThat(BeepSignal.sample(start + i)).isZero();
      }
    }
  }

  @Test
  void fillWritesLittleEndianPcm() {
    byte[] pcm = new byte[2 * 24];
    BeepSignal.fill(0, pcm, 24);
    short quarterPeriod = BeepSignal.sample(12);
    assertThat((short) ((pcm[24] & 0xFF) | (pcm[25] << 8))).isEqualTo(quarterPeriod);
    assertThat(quarterPeriod).isEqualTo((short) Math.round(BeepSignal.AMPLITUDE));
  }
}
