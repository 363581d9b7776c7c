package io.egressjava.source.room.media;

/**
 * Moves one track's sound to a new delay without a gap or a cut: each decoded chunk is stretched
 * (delay growing) or squeezed (delay shrinking) by at most {@link #MAX_RATE_CHANGE} of its length
 * until the delay reached is the one asked for. Placing chunks at the new delay at once left a
 * hole or dropped the overlap (a 10 ms step split a beep in two); a 1 % change of pace is not
 * heard. Stereo s16le at 48 kHz, as the decoders give it.
 */
final class DelayGlide {
  /** The most a chunk's length changes to follow the delay: 10 ms of delay takes about a second. */
  static final double MAX_RATE_CHANGE = 0.01;
  private static final int CHANNELS = 2;
  private static final int BYTES_PER_SAMPLE = 2 * CHANNELS;

  /** A chunk where it goes in the mix (48 kHz sample position), possibly resized. */
  record Placed(long position, byte[] pcm, int length) {}

  /** The delay (samples) at the start of the next chunk; unset until the first. */
  private long applied = Long.MIN_VALUE;

  /**
   * Where a chunk that would start at {@code undelayed} goes, given the delay wanted now; the next
   * chunk of the track must start at {@code undelayed} plus this chunk's length.
   */
  Placed place(long undelayed, byte[] pcm, int length, double targetSeconds) {
    long target = Math.round(targetSeconds * 48_000);
    if (applied == Long.MIN_VALUE) {
      applied = target; // the first chunk starts at the delay asked for
    }
    int samples = length / BYTES_PER_SAMPLE;
    long maxStep = (long) Math.floor(samples * MAX_RATE_CHANGE);
    long step = Math.max(-maxStep, Math.min(maxStep, target - applied));
    Placed placed = new Placed(undelayed + applied, step == 0 ? pcm : resize(pcm, samples, (int) (samples + step)),
        (int) (samples + step) * BYTES_PER_SAMPLE);
    applied += step;
    return placed;
  }

  /** The delay (seconds) the next chunk starts at. */
  double appliedSeconds() {
    return applied == Long.MIN_VALUE ? Double.NaN : applied / 48_000.0;
  }

  /** Linear interpolation of {@code from} stereo samples onto {@code to}, ends kept in place. */
  static byte[] resize(byte[] pcm, int from, int to) {
    byte[] out = new byte[to * BYTES_PER_SAMPLE];
    double ratio = to > 1 ? (double) (from - 1) / (to - 1) : 0;
    for (int i = 0; i < to; i++) {
      double x = i * ratio;
      int a = Math.min((int) x, from - 1);
      int b = Math.min(a + 1, from - 1);
      double f = x - a;
      for (int c = 0; c < CHANNELS; c++) {
        double v = sample(pcm, a, c) * (1 - f) + sample(pcm, b, c) * f;
        int s = (int) Math.round(v);
        int o = (i * CHANNELS + c) * 2;
        out[o] = (byte) s;
        out[o + 1] = (byte) (s >> 8);
      }
    }
    return out;
  }

  private static int sample(byte[] pcm, int index, int channel) {
    int o = (index * CHANNELS + channel) * 2;
    return (short) ((pcm[o] & 0xFF) | (pcm[o + 1] << 8));
  }
}
