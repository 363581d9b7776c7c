package io.egressjava.pipeline;

import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.Encoding;
import java.util.Arrays;

/**
 * Raw media through the {@link PauseTimeline} into the {@link RawFeed}: what falls in a cut span is
 * dropped here, before any encoder sees it; what falls in a gap span goes on as a black picture or
 * silence at its own time, so live outputs keep getting media at the real pace. Not thread-safe:
 * the runner calls it under its lock.
 */
final class PausedFeed {
  /** PCM s16le stereo: bytes per sample frame. */
  private static final int FRAME_BYTES = 4;
  private static final int RATE = 48_000;

  private final PauseTimeline pauses;
  private final RawFeed feed;
  private final Encoding encoding;
  private Picture black;

  PausedFeed(PauseTimeline pauses, RawFeed feed, Encoding encoding) {
    this.pauses = pauses;
    this.feed = feed;
    this.encoding = encoding;
  }

  void video(Picture picture, double seconds) {
    PauseTimeline.Placement place = pauses.picture(seconds);
    if (place != null) {
      feed.video(place.blank() ? black() : picture, place.seconds());
    }
  }

  void audio(byte[] pcm, int length, double seconds) {
    var pieces = pauses.sound(seconds, length / FRAME_BYTES, RATE);
    if (pieces.size() == 1 && !pieces.get(0).blank() && pieces.get(0).length() * FRAME_BYTES == length) {
      feed.audio(pcm, length, pieces.get(0).seconds()); // the usual case: not paused
      return;
    }
    for (PauseTimeline.Piece p : pieces) {
      int bytes = p.length() * FRAME_BYTES;
      byte[] chunk = p.blank() ? new byte[bytes]
          : Arrays.copyOfRange(pcm, p.offset() * FRAME_BYTES, p.offset() * FRAME_BYTES + bytes);
      feed.audio(chunk, bytes, p.seconds());
    }
  }

  /** Black at the plan's size (no scaling on the way in), made once. */
  private Picture black() {
    if (black == null) {
      black = Picture.black(encoding.width(), encoding.height());
    }
    return black;
  }
}
