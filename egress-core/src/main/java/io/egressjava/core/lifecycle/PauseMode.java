package io.egressjava.core.lifecycle;

/** How a paused span appears in what an egress writes. */
public enum PauseMode {
  /** The span is left out: the output runs on continuously, as if the pause never happened. */
  CUT,
  /** The span stays on the timeline as black pictures and silence, so outputs keep wall-clock time. */
  GAP;

  /** "cut" or "gap", as users write it. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** "cut" or "gap" as users write it; null for anything else. */
  public static PauseMode parse(String s) {
    return switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "cut" -> CUT;
      case "gap" -> GAP;
      default -> null;
    };
  }
}
