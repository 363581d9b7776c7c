package io.egressjava.source.room.media;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioDecoder;
import io.egressjava.media.ffmpeg.VideoDecoder;

/** One track a {@link RoomMediaSource} subscribed to: what it was picked as, its decoder and its clock. */
final class TrackState {
  final TrackSelection.Pick pick;
  final MediaCodec codec;
  final TrackClock clock;
  final DelayGlide delay = new DelayGlide();
  VideoDecoder video;
  AudioDecoder audio;

  TrackState(TrackSelection.Pick pick, MediaCodec codec) {
    this.pick = pick;
    this.codec = codec;
    this.clock = new TrackClock(pick.video() ? 90_000 : 48_000);
  }

  /**
   * Where this track's frames are placed (System.nanoTime seconds) minus the publisher's clock, by
   * the track's latest sender report; NaN before one came.
   */
  double placedAfterSender(io.egressjava.webrtc.RoomSubscriber room) {
    var ref = room.clockReference(pick.track().getSid());
    return ref.isEmpty() ? Double.NaN
        : clock.offsetFromSender(ref.get().senderSeconds(), ref.get().rtpTimestamp()) + clock.correction();
  }

  /** Releases the decoders (the source is done with the track). */
  void close() {
    if (video != null) {
      video.close();
      video = null;
    }
    if (audio != null) {
      audio.close();
      audio = null;
    }
  }
}
