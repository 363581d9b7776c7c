package io.egressjava.media.ffmpeg;

/**
 * Keeps an output at a constant frame rate whatever the input does: a source frame at time t fills
 * every output slot up to the next one (repeated when the source is slower or stalls, dropped when
 * it is faster), and {@link #catchUp} repeats the last picture while no frame arrives at all.
 */
public final class ConstantFrameRate {
  private final double interval;
  private long emitted;

  public ConstantFrameRate(int fps) {
    this.interval = 1.0 / fps;
  }

  /** How many output frames a source frame at {@code t} (s, on the egress clock) fills: 0 drops it. */
  public int framesFor(double t) {
    long due = (long) Math.floor(t / interval + 1e-9) + 1;
    int n = (int) Math.max(0, due - emitted);
    emitted += n;
    return n;
  }

  /**
   * As {@link #framesFor}, with the frame in the slot nearest its time instead of the one it falls
   * in: a picture is then at most half a frame off its moment (not up to a whole frame early), which
   * is what lip sync is measured against.
   */
  public int framesForNearest(double t) {
    return framesFor(t + interval / 2);
  }

  /** Output frames owed at time {@code now} when no source frame came: repeat the last picture this often. */
  public int catchUp(double now) {
    return framesFor(now);
  }

  public long emitted() {
    return emitted;
  }
}
