package io.egressjava.pipeline;

import io.egressjava.core.lifecycle.PauseMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The paused spans of one egress on its source's clock, and where media stamped on that clock goes.
 * Media is judged by its own time, not by when it arrives: a mixer running seconds behind real time
 * still records everything captured before the pause and nothing captured during it, and sound and
 * pictures are cut at the same instant. A {@link PauseMode#CUT} span is left out (later media moves
 * back by its length); a {@link PauseMode#GAP} span keeps its place and is written blank. A cut
 * lasts a whole number of output frames: moving later pictures back by a fraction of a frame would
 * shift them against the frame-rate grid, and the rounding to it against the sound (up to half a
 * frame). Thread-safe.
 */
final class PauseTimeline {
  /** A paused span [from, to) on the source clock; {@code to} is infinite while it lasts. */
  record Span(double from, double to, PauseMode mode) {
    double length() {
      return to - from;
    }
  }

  /** Where a piece of media goes: at {@code seconds} on the output timeline, blank or as it is. */
  record Placement(double seconds, boolean blank) {}

  /** A run of samples of a sound chunk, placed: {@code offset}/{@code length} in samples of the chunk. */
  record Piece(int offset, int length, double seconds, boolean blank) {}

  private final List<Span> spans = new ArrayList<>();
  /** A cut span's length is a multiple of this (s): the output's frame period; 0 for any length. */
  private final double cutQuantum;

  PauseTimeline() {
    this(0);
  }

  /** @param cutQuantum the output's frame period (s) when pictures are fitted to a frame rate, else 0 */
  PauseTimeline(double cutQuantum) {
    this.cutQuantum = cutQuantum;
  }

  /** Pauses from {@code at}; false when already paused (the first pause's mode stands). */
  synchronized boolean pause(double at, PauseMode mode) {
    if (paused()) {
      return false;
    }
    double from = spans.isEmpty() ? at : Math.max(at, spans.get(spans.size() - 1).to());
    spans.add(new Span(from, Double.POSITIVE_INFINITY, mode));
    return true;
  }

  /**
   * Resumes at {@code at} (a cut lasts on to the end of its last frame period, under a frame more);
   * false when not paused.
   */
  synchronized boolean resume(double at) {
    if (!paused()) {
      return false;
    }
    Span open = spans.remove(spans.size() - 1);
    double to = Math.max(at, open.from());
    if (open.mode() == PauseMode.CUT && cutQuantum > 0) {
      to = open.from() + Math.ceil((to - open.from()) / cutQuantum - 1e-9) * cutQuantum;
    }
    spans.add(new Span(open.from(), to, open.mode()));
    return true;
  }

  synchronized boolean paused() {
    return !spans.isEmpty() && spans.get(spans.size() - 1).to() == Double.POSITIVE_INFINITY;
  }

  /** The mode of the pause in force, null when recording. */
  synchronized PauseMode mode() {
    return paused() ? spans.get(spans.size() - 1).mode() : null;
  }

  synchronized List<Span> spans() {
    return List.copyOf(spans);
  }

  /** Seconds paused so far (an open span counts up to {@code now}). */
  synchronized double pausedSeconds(double now) {
    double sum = 0;
    for (Span s : spans) {
      sum += Math.max(0, Math.min(s.to(), now) - s.from());
    }
    return sum;
  }

  /** A picture stamped {@code t}: null when it falls in a cut span (it is dropped). */
  synchronized Placement picture(double t) {
    Span in = spanAt(t);
    if (in != null && in.mode() == PauseMode.CUT) {
      return null;
    }
    return new Placement(t - cutBefore(t), in != null);
  }

  /**
   * A sound chunk of {@code samples} at {@code rate} stamped {@code t}, split where a pause begins or
   * ends inside it: the pieces to write, in order (none for a chunk wholly in a cut span).
   */
  synchronized List<Piece> sound(double t, int samples, int rate) {
    double end = t + (double) samples / rate;
    List<Piece> pieces = new ArrayList<>(1);
    double at = t;
    while (at < end) {
      Span in = spanAt(at);
      double next = in != null ? Math.min(in.to(), end) : Math.min(nextStart(at), end);
      int from = (int) Math.round((at - t) * rate);
      int to = next >= end ? samples : (int) Math.round((next - t) * rate);
      if (to > from && (in == null || in.mode() == PauseMode.GAP)) {
        pieces.add(new Piece(from, to - from, at - cutBefore(at), in != null));
      }
      at = next;
    }
    return pieces;
  }

  private Span spanAt(double t) {
    for (Span s : spans) {
      if (t >= s.from() && t < s.to()) {
        return s;
      }
    }
    return null;
  }

  private double nextStart(double t) {
    double next = Double.POSITIVE_INFINITY;
    for (Span s : spans) {
      if (s.from() > t) {
        next = Math.min(next, s.from());
      }
    }
    return next;
  }

  /** How much cut time lies before {@code t}. */
  private double cutBefore(double t) {
    double sum = 0;
    for (Span s : spans) {
      if (s.mode() == PauseMode.CUT && s.to() <= t) {
        sum += s.length();
      }
    }
    return sum;
  }
}
