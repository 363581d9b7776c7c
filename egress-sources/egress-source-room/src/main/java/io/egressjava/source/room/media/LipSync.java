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
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LipSync.class);
  static final double MAX_STEP_SECONDS = 0.010;
  /**
   * Publishers' audio and video never start further apart than this; a larger value means the
   * reports do not describe the media (e.g. a file reader sending faster than real time).
   */
  static final double MAX_CORRECTION_SECONDS = 0.5;
  private boolean aligned;
  private long lastVideoReport = -1;
  private long lastAudioReport = -1;

  /**
   * On each frame of {@code changed}: the audio clock of the recorded video's publisher is moved
   * towards the video's in the publisher's time, once per new pair of sender reports.
   */
  void resync(java.util.Collection<TrackState> tracks, TrackState changed, io.egressjava.webrtc.RoomSubscriber room,
      String egressId) {
    TrackState video = null;
    TrackState audio = null;
    for (TrackState s : tracks) {
      if (s.pick.video()) {
        video = s;
      } else if (s.pick.participantSid().equals(changed.pick.participantSid())) {
        audio = s;
      }
    }
    if (video == null || audio == null || !video.pick.participantSid().equals(audio.pick.participantSid())) {
      return;
    }
    var vref = room.clockReference(video.pick.track().getSid());
    var aref = room.clockReference(audio.pick.track().getSid());
    if (vref.isEmpty() || aref.isEmpty()
        || !isNew(Double.doubleToLongBits(vref.get().senderSeconds()), Double.doubleToLongBits(aref.get().senderSeconds()))) {
      return; // no capture times and no sender reports yet (the SFU's come about 3 s in, then every 3 s)
    }
    double v = video.clock.offsetFromSender(vref.get().senderSeconds(), vref.get().rtpTimestamp());
    double a = audio.clock.offsetFromSender(aref.get().senderSeconds(), aref.get().rtpTimestamp());
    double before = audio.clock.correction();
    double after = audioCorrection(v, a, before);
    if (after != before) {
      audio.clock.setCorrection(after);
      log.debug("{}: lip sync target {} ms, audio moved by {} ms to {} ms", egressId, Math.round((v - a) * 1000),
          Math.round((after - before) * 1000), Math.round(after * 1000));
    }
  }

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
