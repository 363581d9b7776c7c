package io.egressjava.source.room.composite;

/**
 * When a tile shows each of its pictures: at the publisher's frame times (RTP, 90 kHz), a fixed
 * {@link #DELAY_SECONDS} after the earliest any of them arrived. Taking each tile's latest picture
 * at the composer's tick instead repeats one picture and skips the next whenever a publisher's
 * frames arrive near the tick with some jitter (measured: a quarter of one tile's pictures repeated
 * in a 4-publisher grid, the others under 0.5 %); on its own schedule a picture is late only when
 * the network holds it longer than the delay.
 *
 * <p>A schedule first settles, as the sound's start does ({@code RoomMediaSource}): a tile's first
 * pictures often come late (the SFU's backlog after the key frame, or this process still warming
 * up and reading its socket behind time at a steady pace), and a schedule taken from them runs
 * late until on-time pictures move it. Measured under load: flashes shown 354 and 391 ms after
 * their beeps in the first half second; a rule that settled once pictures stopped coming earlier
 * was fooled by the steady lag. So nothing of a schedule is shown for its first
 * {@link #SETTLE_SECONDS} (the participant's placeholder is), and its earliest arrival over that
 * time places the pictures held; those already past are skipped. Thread-safe: frames are noted on
 * the network thread as they arrive (a decoder running behind must not hide the on-time ones while
 * the schedule settles), the composer asks on its ticker.
 */
final class Playout {
  /** What jitter is absorbed; the room's sound is placed this much later too ({@link NativeComposites}). */
  static final double DELAY_SECONDS = 0.030;
  /** How long a schedule's first pictures are held to find when they really started (as the sound's). */
  static final double SETTLE_SECONDS = 1.0;
  /**
   * The earliest arrival is looked for over this long: a path that became slower for good moves
   * the schedule after it; a schedule that moved with every arrival would wobble across the ticks.
   */
  private static final double WINDOW_SECONDS = 10;
  /** A jump in the frame times this large (a new stream, a restarted sender) starts the schedule again. */
  private static final double RESET_SECONDS = 1.0;

  /** A picture's place on the tile's own timeline (seconds) in the schedule it arrived in. */
  record Slot(double media, int epoch) {}

  /** (arrival, offset) pairs whose offsets rise from the front: the front is the window's smallest. */
  private final java.util.ArrayDeque<double[]> minima = new java.util.ArrayDeque<>();
  private long lastRtp = -1;
  private long unwrapped;
  /** Counts the schedule's starts: pictures of an earlier one are due at once. */
  private int epoch;
  private double epochStart;

  /** Notes a picture's arrival ({@link System#nanoTime}); its slot says when to show it ({@link #showAt}). */
  synchronized Slot arrived(long rtpTimestamp, long arrivalNanos) {
    long rtp = rtpTimestamp & 0xffffffffL;
    unwrapped = lastRtp < 0 ? rtp : unwrapped(rtp);
    lastRtp = rtp;
    double media = unwrapped / 90_000.0;
    double arrival = arrivalNanos / 1e9;
    double offset = arrival - media; // the path's delay, plus a constant
    if (!minima.isEmpty() && Math.abs(offset - minima.peekFirst()[1]) > RESET_SECONDS) {
      minima.clear();
      epoch++;
    }
    if (minima.isEmpty()) {
      epochStart = arrival;
    }
    while (!minima.isEmpty() && minima.peekLast()[1] >= offset) {
      minima.pollLast();
    }
    minima.addLast(new double[] {arrival, offset});
    while (minima.peekFirst()[0] < arrival - WINDOW_SECONDS) {
      minima.pollFirst();
    }
    return new Slot(media, epoch);
  }

  /** An RTP time near the latest, unwrapped as the latest was (32-bit wrap-around). */
  private long unwrapped(long rtp) {
    return unwrapped + (int) (rtp - lastRtp);
  }

  /** Whether the schedule has had its {@link #SETTLE_SECONDS} by {@code nowNanos}. */
  private boolean settled(long nowNanos) {
    return !minima.isEmpty() && nowNanos / 1e9 - epochStart >= SETTLE_SECONDS;
  }

  /** When (System.nanoTime, in seconds) the picture at {@code media} seconds is shown on the schedule. */
  private double showSeconds(double media) {
    return media + minima.peekFirst()[1] + DELAY_SECONDS;
  }

  /**
   * When (System.nanoTime, in seconds) a picture with this RTP time, near the latest, is shown on
   * the settled schedule; NaN while it settles at {@code nowNanos}.
   */
  synchronized double showSecondsOf(long rtpTimestamp, long nowNanos) {
    return settled(nowNanos) ? showSeconds(unwrapped(rtpTimestamp & 0xffffffffL) / 90_000.0) : Double.NaN;
  }

  /**
   * The {@link System#nanoTime} at which the picture in {@code slot} is shown: {@link Long#MIN_VALUE}
   * (now) for one of an earlier schedule, {@link Long#MAX_VALUE} (not yet) while this one settles.
   */
  synchronized long showAt(Slot slot, long nowNanos) {
    if (slot.epoch() != epoch) {
      return Long.MIN_VALUE;
    }
    return settled(nowNanos) ? Math.round(showSeconds(slot.media()) * 1e9) : Long.MAX_VALUE;
  }
}
