package io.egressjava.source.room.media;

/**
 * Puts one track's frames on the egress clock: by their RTP timestamp distance (unwrapped) from a
 * start, which is the earliest arrival the frames' RTP times allow in the first second (the first
 * frame's, unless the next ones came more on time), plus a correction that lip sync sets from the sender reports. Arrival
 * jitter and backlogs therefore never move frames, and a stalled track resumes at its true position.
 */
final class TrackClock {
  private final int clockRate;
  private long baseArrivalNanos = Long.MIN_VALUE;
  private long baseRtp;
  private long lastUnwrapped;
  private long lastRtp;
  private volatile double correctionSeconds;
  private int rebases;
  private boolean settled;
  /** Frames observed while settling that {@link #seconds} replays without the pause/jump checks. */
  private int replaying;
  /** How far RTP time may fall behind arrival time before it counts as paused (beyond network jitter). */
  static final double MAX_BEHIND_SECONDS = 0.5;
  /** How much of the settling hold (its end) says where the start was. */
  static final long SETTLE_WINDOW_NANOS = 1_000_000_000L;
  /** While settling: arrival and on-time start implied, per observed frame. */
  private final java.util.ArrayDeque<long[]> observed = new java.util.ArrayDeque<>();
  /** Until when (arrival) an earlier on-time frame may still move the start: a second after an anchor. */
  private long settleUntilNanos = Long.MIN_VALUE;

  TrackClock(int clockRate) {
    this.clockRate = clockRate;
  }

  /**
   * While the track's start settles: each frame says where the start was, had it come on time
   * (its arrival minus its RTP time since the first frame); frames that came late in a burst say
   * later, the ones on time say when. The start is taken from the last {@link #SETTLE_WINDOW_NANOS}
   * before {@link #settle}: a publisher whose RTP time falls behind real time now and then (a
   * sender that dropped audio it could not deliver) would otherwise be placed early by all of it.
   */
  synchronized void observe(long rtpTimestamp, long arrivalNanos) {
    if (baseArrivalNanos == Long.MIN_VALUE) {
      anchor(rtpTimestamp, arrivalNanos);
    } else {
      unwrap(rtpTimestamp);
    }
    observed.addLast(new long[] {arrivalNanos, arrivalNanos - Math.round(lastUnwrapped * 1e9 / clockRate)});
    while (observed.peekFirst()[0] < arrivalNanos - SETTLE_WINDOW_NANOS) {
      observed.removeFirst();
    }
    replaying++;
  }

  /** The start is settled; {@link #seconds} now replays the observed frames from the first. */
  synchronized void settle() {
    settled = true;
    settleUntilNanos = Long.MIN_VALUE; // the hold found the start; live frames no longer move it
    if (!observed.isEmpty()) {
      baseArrivalNanos = observed.stream().mapToLong(o -> o[1]).min().getAsLong();
      observed.clear();
    }
    lastRtp = baseRtp;
    lastUnwrapped = 0;
  }

  synchronized boolean isSettled() {
    return settled;
  }

  /** When the first frame would have arrived had it come on time (after {@link #settle}). */
  synchronized long baseArrivalNanos() {
    return baseArrivalNanos;
  }

  private void anchor(long rtpTimestamp, long arrivalNanos) {
    settleUntilNanos = arrivalNanos + SETTLE_WINDOW_NANOS;
    baseArrivalNanos = arrivalNanos;
    baseRtp = rtpTimestamp;
    lastRtp = rtpTimestamp;
    lastUnwrapped = 0;
  }

  private void unwrap(long rtpTimestamp) {
    long delta = (rtpTimestamp - lastRtp) & 0xFFFFFFFFL;
    if (delta >= 0x80000000L) {
      delta -= 0x100000000L;
    }
    lastUnwrapped += delta;
    lastRtp = rtpTimestamp;
  }

  /** Seconds since {@code originNanos} for a frame with this RTP timestamp arriving now. */
  synchronized double seconds(long rtpTimestamp, long arrivalNanos, long originNanos) {
    return seconds(rtpTimestamp, arrivalNanos, originNanos, false);
  }

  /**
   * As {@link #seconds(long, long, long)}; a frame the network {@code delayed} (retransmitted, or
   * held back behind a gap: after an outage, seconds of them) is placed by its RTP time however
   * late it comes: its lateness is not the sender's clock pausing.
   */
  synchronized double seconds(long rtpTimestamp, long arrivalNanos, long originNanos, boolean delayed) {
    if (baseArrivalNanos == Long.MIN_VALUE) {
      anchor(rtpTimestamp, arrivalNanos);
    }
    unwrap(rtpTimestamp);
    if (replaying > 0) {
      // a frame held while settling: its place is the settled start plus its RTP time
      replaying--;
      return (baseArrivalNanos - originNanos) / 1e9 + (double) lastUnwrapped / clockRate + correctionSeconds;
    }
    // within a second of its anchor, a frame more on time than any before says the start was
    // earlier: a track that starts with the SFU's burst (a subscription after the settling hold),
    // or re-anchored on the first late frame after a stall of this receiver, is placed where
    // on-time frames put it instead of late by the backlog. Not later on: a sender whose capture
    // times jitter would move the track ever earlier, away from where lip sync put it
    if (arrivalNanos <= settleUntilNanos) {
      long onTime = arrivalNanos - Math.round(lastUnwrapped * 1e9 / clockRate);
      baseArrivalNanos = Math.min(baseArrivalNanos, onTime);
    }
    double byRtp = (baseArrivalNanos - arrivalNanos) / 1e9 + (double) lastUnwrapped / clockRate;
    if (byRtp < -MAX_BEHIND_SECONDS && !delayed) {
      // the sender's RTP clock paused (a muted pion track sends nothing and resumes where it stopped):
      // start again from this frame's arrival, so a pause stays a pause in the recording
      baseArrivalNanos = arrivalNanos;
      baseRtp = rtpTimestamp;
      lastUnwrapped = 0;
      settleUntilNanos = arrivalNanos + SETTLE_WINDOW_NANOS;
      rebases++;
    }
    return (baseArrivalNanos - originNanos) / 1e9 + (double) lastUnwrapped / clockRate + correctionSeconds;
  }

  /** Times the clock started again from an arrival (RTP time paused or jumped). */
  synchronized int rebases() {
    return rebases;
  }

  /**
   * Arrival time minus sender time for this track, given a sender report (publisher NTP seconds
   * for {@code srRtp}); NaN before the first frame. Equal for every track of one publisher when
   * their frames are placed in sync.
   */
  synchronized double offsetFromSender(double srNtpSeconds, long srRtp) {
    if (baseArrivalNanos == Long.MIN_VALUE) {
      return Double.NaN;
    }
    long d = (srRtp - baseRtp) & 0xFFFFFFFFL;
    if (d >= 0x80000000L) {
      d -= 0x100000000L;
    }
    return baseArrivalNanos / 1e9 - (srNtpSeconds - (double) d / clockRate);
  }

  void setCorrection(double seconds) {
    correctionSeconds = seconds;
  }

  double correction() {
    return correctionSeconds;
  }
}
