package io.egressjava.source.room.media;

/**
 * Puts one track's frames on the egress clock: the first frame at its arrival time, later ones by
 * their RTP timestamp distance from it (unwrapped), plus a correction that lip sync sets from the
 * sender reports. Arrival jitter therefore never moves frames, and a stalled track resumes at its
 * true position.
 */
final class TrackClock {
  private final int clockRate;
  private long baseArrivalNanos = Long.MIN_VALUE;
  private long baseRtp;
  private long lastUnwrapped;
  private long lastRtp;
  private volatile double correctionSeconds;

  TrackClock(int clockRate) {
    this.clockRate = clockRate;
  }

  /** Seconds since {@code originNanos} for a frame with this RTP timestamp arriving now. */
  synchronized double seconds(long rtpTimestamp, long arrivalNanos, long originNanos) {
    if (baseArrivalNanos == Long.MIN_VALUE) {
      baseArrivalNanos = arrivalNanos;
      baseRtp = rtpTimestamp;
      lastRtp = rtpTimestamp;
      lastUnwrapped = 0;
    }
    long delta = (rtpTimestamp - lastRtp) & 0xFFFFFFFFL;
    if (delta >= 0x80000000L) {
      delta -= 0x100000000L;
    }
    lastUnwrapped += delta;
    lastRtp = rtpTimestamp;
    return (baseArrivalNanos - originNanos) / 1e9 + (double) lastUnwrapped / clockRate + correctionSeconds;
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
