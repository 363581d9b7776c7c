package io.egressjava.server.track;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.source.room.rtp.EncodedFrame;

/**
 * Recognises the tiny key frames the SFU sends when a track is unpublished or unsubscribed
 * (webrtc-receive.md §4: VP8 8×8, H.264 2×2), so a recording does not end with a resolution
 * switch to a few pixels. Real pictures are never that small.
 */
final class BlankFrames {
  private static final int MAX_FILLER_SIDE = 16;

  private BlankFrames() {}

  static boolean isFiller(MediaCodec codec, EncodedFrame frame) {
    if (codec != MediaCodec.VP8 && codec != MediaCodec.H264) {
      return false;
    }
    int[] size = FrameSize.of(codec, frame);
    return size != null && size[0] <= MAX_FILLER_SIDE && size[1] <= MAX_FILLER_SIDE;
  }
}
