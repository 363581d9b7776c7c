package io.egressjava.media.ffmpeg;

/**
 * Places timestamped PCM (s16le 48 kHz stereo) on the egress clock so audio keeps time with video:
 * a gap before a chunk becomes silence, a chunk that overlaps what was already written is trimmed,
 * and {@link #silenceOwed} lets a stalled or muted input be filled while the clock runs on.
 */
public final class AudioTimeline {
  /** Samples per second; each sample is 4 bytes (two s16 channels). */
  public static final int RATE = 48_000;
  private static final int BYTES_PER_SAMPLE = 4;
  /** Jitter tolerated by default before a gap is treated as missing audio (20 ms, one Opus frame). */
  public static final double DEFAULT_TOLERANCE_SECONDS = 0.020;
  private final long tolerance;

  /** What to write for one chunk: {@code silence} samples of silence, then pcm[offset, offset+length). */
  public record Placement(int silenceSamples, int offset, int length) {
    public boolean isEmpty() {
      return silenceSamples == 0 && length == 0;
    }
  }

  private long written;
  private long silence;
  private long dropped;

  public AudioTimeline() {
    this(DEFAULT_TOLERANCE_SECONDS);
  }

  /**
   * @param toleranceSeconds how far a chunk may start from where the audio so far ends and still
   *     follow on directly: timestamps that jitter need more; exact ones (RTP) less, so that a
   *     drifting sender clock is followed closely
   */
  public AudioTimeline(double toleranceSeconds) {
    this.tolerance = Math.round(toleranceSeconds * RATE);
  }

  /** Samples written so far. */
  public long written() {
    return written;
  }

  /** Seconds of audio written so far. */
  public double seconds() {
    return (double) written / RATE;
  }

  /** Where a chunk of {@code length} bytes starting at {@code seconds} on the egress clock goes. */
  public Placement place(int length, double seconds) {
    long start = Math.max(0, Math.round(seconds * RATE));
    long samples = length / BYTES_PER_SAMPLE;
    long gap = start - written;
    if (gap > tolerance) {
      written += gap + samples;
      silence += gap;
      return new Placement((int) gap, 0, length);
    }
    if (-gap > tolerance) {
      long skip = Math.min(samples, -gap);
      written += samples - skip;
      dropped += skip;
      return new Placement(0, (int) (skip * BYTES_PER_SAMPLE), (int) ((samples - skip) * BYTES_PER_SAMPLE));
    }
    written += samples;
    return new Placement(0, 0, length);
  }

  /**
   * Silence owed when no audio has come for a while: fills up to {@code now - margin} so that audio
   * arriving a little late is not cut, and nothing while within the margin.
   */
  public int silenceOwed(double now, double margin) {
    long due = Math.round((now - margin) * RATE);
    if (due <= written) {
      return 0;
    }
    int owed = (int) (due - written);
    written = due;
    silence += owed;
    return owed;
  }

  /** Samples of silence written so far (gaps before chunks, and what {@link #silenceOwed} filled). */
  public long silenceWritten() {
    return silence;
  }

  /** Samples of audio trimmed because they came for a place already written (too late). */
  public long dropped() {
    return dropped;
  }

  public static int bytes(int samples) {
    return samples * BYTES_PER_SAMPLE;
  }
}
