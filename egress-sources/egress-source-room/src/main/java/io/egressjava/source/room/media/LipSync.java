package io.egressjava.source.room.media;

/**
 * Aligns a publisher's audio with its video from RTCP sender reports, not arrival times
 * (webrtc-receive.md §4: the SFU passes the publisher's NTP clock through for all its tracks).
 * Each track's frames are placed by arrival of its first frame plus RTP time; the sender reports
 * tell how far that placement of the audio is from the video's in the publisher's own clock, and
 * the audio is shifted by the difference. Re-evaluated on every report, so clock drift over long
 * recordings is followed, in steps of at most {@link #MAX_STEP_SECONDS} per report (every 3 s) to avoid
 * audible jumps.
 */
final class LipSync {
  static final double MAX_STEP_SECONDS = 0.010;
  /**
   * Publishers' audio and video never start further apart than this; a larger value means the
   * reports do not describe the media (e.g. a file reader sending faster than real time).
   */
  static final double MAX_CORRECTION_SECONDS = 0.5;
  private boolean aligned;
  private long lastVideoReport = -1;
  private long lastAudioReport = -1;

  /** Whether a pair of reports (by their NTP times) is new; corrections are computed once per report. */
  boolean isNew(long videoNtp, long audioNtp) {
    if (videoNtp == lastVideoReport && audioNtp == lastAudioReport) {
      return false;
    }
    lastVideoReport = videoNtp;
    lastAudioReport = audioNtp;
    return true;
  }

  /**
   * @param videoOffset {@link TrackClock#offsetFromSender} of the video track
   * @param audioOffset the same for the audio track
   * @return the new correction for the audio clock
   */
  double audioCorrection(double videoOffset, double audioOffset, double currentCorrection) {
    double target = videoOffset - audioOffset; // audio placed at sender time + video offset
    if (Double.isNaN(target) || Math.abs(target) > MAX_CORRECTION_SECONDS) {
      return currentCorrection;
    }
    if (!aligned) {
      aligned = true;
      return target;
    }
    double step = Math.max(-MAX_STEP_SECONDS, Math.min(MAX_STEP_SECONDS, target - currentCorrection));
    return currentCorrection + step;
  }
}
