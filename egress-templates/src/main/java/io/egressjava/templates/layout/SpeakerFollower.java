package io.egressjava.templates.layout;

import java.util.List;

/**
 * Whom a speaker layout shows large, from the server's active-speaker updates: a new loudest
 * participant takes the main area once it has stayed loudest for {@link #HOLD_NANOS}, so that a
 * cough or a laugh does not flip the picture back and forth; a real change shows within that
 * hold. Silence keeps the last speaker. Not thread-safe.
 */
public final class SpeakerFollower {
  /** How long a new speaker must stay loudest: half a second, inside the one second a change may take. */
  public static final long HOLD_NANOS = 500_000_000L;

  private String shown;
  private String candidate;
  private long candidateSince;

  /**
   * The speaker to show after an update at {@code nowNanos} ({@code speakers}: identities, loudest
   * first; empty when nobody speaks); null until somebody has spoken.
   */
  public String update(List<String> speakers, long nowNanos) {
    String loudest = speakers.isEmpty() ? null : speakers.get(0);
    if (loudest == null || loudest.equals(shown)) {
      candidate = null;
      return shown;
    }
    if (shown == null) {
      shown = loudest; // the first speaker needs no hold: nothing is shown large yet
      return shown;
    }
    if (!loudest.equals(candidate)) {
      candidate = loudest;
      candidateSince = nowNanos;
    }
    if (nowNanos - candidateSince >= HOLD_NANOS) {
      shown = candidate;
      candidate = null;
    }
    return shown;
  }

  /** The speaker shown now, re-checking a waiting candidate's hold (call on each rendered frame). */
  public String at(long nowNanos) {
    if (candidate != null && nowNanos - candidateSince >= HOLD_NANOS) {
      shown = candidate;
      candidate = null;
    }
    return shown;
  }
}
