package io.egressjava.templates.layout;

import java.util.List;

/**
 * Whom a speaker layout shows large, from the server's active-speaker updates: a new loudest
 * participant takes the main area once it has stayed loudest for {@link #HOLD_NANOS} while the one
 * shown still speaks, so that a cough or a laugh does not flip the picture back and forth; when the
 * one shown has fallen silent (left the server's list), the loudest takes over at once. Silence of
 * everyone keeps the last speaker. Not thread-safe.
 */
public final class SpeakerFollower {
  /**
   * How long a new speaker must stay loudest. The server's own detection (audio levels smoothed over
   * update intervals of 400 ms) takes up to ~0.8 s of the one second a change may take; a hold of
   * 0.5 s made the change 1.29 s late once (ShippedNativeCompositeNetnsIT). A shorter sound than
   * this rarely makes the server's loudest list at all.
   */
  public static final long HOLD_NANOS = 300_000_000L;

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
    if (shown == null || !speakers.contains(shown)) {
      // the first speaker needs no hold (nothing is shown large yet), nor one who follows a speaker
      // who fell silent: the hold keeps the picture on someone still talking through a cough
      shown = loudest;
      candidate = null;
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
