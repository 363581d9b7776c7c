package io.egressjava.source.room.composite;

/**
 * When a tile shows each of its pictures: at the publisher's frame times (RTP, 90 kHz), a fixed
 * {@link #DELAY_SECONDS} after the earliest any of them arrived. Taking each tile's latest picture
 * at the composer's tick instead repeats one picture and skips the next whenever a publisher's
 * frames arrive near the tick with some jitter (measured: a quarter of one tile's pictures repeated
 * in a 4-publisher grid, the others under 0.5 %); on its own schedule a picture is late only when
 * the network holds it longer than the delay. Not thread-safe.
 */
final class Playout {
  /** What jitter is absorbed; the room's sound is placed this much later too ({@link NativeComposites}). */
  static final double DELAY_SECONDS = 0.030;
  /**
   * The earliest arrival is looked for over this long: a path that became slower for good moves
   * the schedule after it; a schedule that moved with every arrival would wobble across the ticks.
   */
  private static final double WINDOW_SECONDS = 10;
  /** A jump in the frame times this large (a new stream, a restarted sender) starts the schedule again. */
  private static final double RESET_SECONDS = 1.0;

  /** (arrival, offset) pairs whose offsets rise from the front: the front is the window's smallest. */
  private final java.util.ArrayDeque<double[]> minima = new java.util.ArrayDeque<>();
  private long lastRtp = -1;
  private long unwrapped;

  /** The System.nanoTime at which the picture of {@code rtpTimestamp} that arrived at {@code arrivalNanos} is shown. */
  long showAt(long rtpTimestamp, long arrivalNanos) {
    long rtp = rtpTimestamp & 0xffffffffL;
    unwrapped = lastRtp < 0 ? rtp : unwrapped + (int) (rtp - lastRtp); // (32-bit wrap-around)
    lastRtp = rtp;
    double media = unwrapped / 90_000.0;
    double arrival = arrivalNanos / 1e9;
    double offset = arrival - media; // the path's delay, plus a constant
    if (!minima.isEmpty() && Math.abs(offset - minima.peekFirst()[1]) > RESET_SECONDS) {
      minima.clear();
    }
    while (!minima.isEmpty() && minima.peekLast()[1] >= offset) {
      minima.pollLast();
    }
    minima.addLast(new double[] {arrival, offset});
    while (minima.peekFirst()[0] < arrival - WINDOW_SECONDS) {
      minima.pollFirst();
    }
    return Math.round((media + minima.peekFirst()[1] + DELAY_SECONDS) * 1e9);
  }
}
