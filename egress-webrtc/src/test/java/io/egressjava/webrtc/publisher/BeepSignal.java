package io.egressjava.webrtc.publisher;

/**
 * Synthetic 48 kHz mono audio: a 1 kHz sine of 100 ms starting at every whole second of the
 * stream (sample 0, 48000, ...), silence otherwise. The beep starts at phase zero, so its onset
 * is sample-exact and lines up with the white flash frames of {@link TestPattern} at the same
 * stream time.
 */
public final class BeepSignal {
  public static final int SAMPLE_RATE = 48_000;
  public static final int BEEP_HZ = 1_000;
  public static final int BEEP_SAMPLES = SAMPLE_RATE / 10;
  static final double AMPLITUDE = 0.5 * Short.MAX_VALUE;

  private BeepSignal() {}

  /** The sample at stream position {@code sample}. */
  public static short sample(long sample) {
    long inSecond = sample % SAMPLE_RATE;
    if (inSecond >= BEEP_SAMPLES) {
      return 0;
    }
    return (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * BEEP_HZ * inSecond / SAMPLE_RATE));
  }

  /** Writes {@code count} samples from stream position {@code first} as 16-bit little-endian PCM. */
  public static void fill(long first, byte[] pcm, int count) {
    for (int i = 0; i < count; i++) {
      short s = sample(first + i);
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
  }
}
