package io.egressjava.core.media;

import io.egressjava.core.plan.MediaCodec;

/**
 * Recognises the tiny key frames the SFU sends when a track is unpublished or unsubscribed
 * (webrtc-receive.md §4: VP8 8×8, H.264 2×2), so a recording does not end with a resolution
 * switch to a few pixels. Real pictures are never that small.
 */
public final class BlankFrames {
  private static final int MAX_FILLER_SIDE = 16;

  private BlankFrames() {}

  public static boolean isFiller(MediaCodec codec, EncodedFrame frame) {
    if (codec != MediaCodec.VP8 && codec != MediaCodec.H264) {
      return false;
    }
    int[] size = FrameSize.of(codec, frame);
    return size != null && size[0] <= MAX_FILLER_SIDE && size[1] <= MAX_FILLER_SIDE;
  }
}
