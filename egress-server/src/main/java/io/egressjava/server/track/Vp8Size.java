package io.egressjava.server.track;

import io.egressjava.source.room.rtp.EncodedFrame;

/** Picture size from a VP8 key frame header (RFC 6386 §9.1), which WebM wants before the first frame. */
final class Vp8Size {
  private Vp8Size() {}

  /** {width, height}, or null when the frame is not a VP8 key frame. */
  static int[] of(EncodedFrame f) {
    byte[] d = f.data();
    if (!f.keyFrame() || d.length < 10 || (d[0] & 1) != 0
        || (d[3] & 0xFF) != 0x9d || (d[4] & 0xFF) != 0x01 || (d[5] & 0xFF) != 0x2a) {
      return null;
    }
    int w = ((d[6] & 0xFF) | (d[7] & 0xFF) << 8) & 0x3FFF;
    int h = ((d[8] & 0xFF) | (d[9] & 0xFF) << 8) & 0x3FFF;
    return new int[] {w, h};
  }
}
