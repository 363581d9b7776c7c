package io.egressjava.core.media;

import io.egressjava.core.plan.MediaCodec;

/**
 * Picture size from a key frame's own header (VP8: RFC 6386 §9.1; VP9: the uncompressed header;
 * H.264: the SPS). Containers want it before the first frame, and publishers often announce none.
 */
public final class FrameSize {
  private FrameSize() {}

  /** {width, height}, or null when {@code frame} is not a key frame whose header we can read. */
  public static int[] of(MediaCodec codec, EncodedFrame frame) {
    if (!frame.keyFrame()) {
      return null;
    }
    return switch (codec) {
      case VP8 -> vp8(frame.data());
      case VP9 -> vp9(frame.data());
      case H264 -> H264SpsSize.of(frame.data());
      default -> null;
    };
  }

  static int[] vp8(byte[] d) {
    if (d.length < 10 || (d[0] & 1) != 0 || (d[3] & 0xFF) != 0x9d || (d[4] & 0xFF) != 0x01 || (d[5] & 0xFF) != 0x2a) {
      return null;
    }
    return new int[] {((d[6] & 0xFF) | (d[7] & 0xFF) << 8) & 0x3FFF, ((d[8] & 0xFF) | (d[9] & 0xFF) << 8) & 0x3FFF};
  }

  static int[] vp9(byte[] d) {
    Bits b = new Bits(d);
    try {
      if (b.read(2) != 2) {
        return null; // frame_marker
      }
      int profile = b.read(1) | (b.read(1) << 1);
      if (profile == 3) {
        b.read(1);
      }
      if (b.read(1) == 1 || b.read(1) != 0) {
        return null; // show_existing_frame, or not a key frame
      }
      b.read(2); // show_frame, error_resilient_mode
      if (b.read(24) != 0x498342) {
        return null; // sync code
      }
      if (profile >= 2) {
        b.read(1); // ten_or_twelve_bit
      }
      int colorSpace = b.read(3);
      if (colorSpace != 7) {
        b.read(1); // color_range
        if (profile == 1 || profile == 3) {
          b.read(3); // subsampling_x, subsampling_y, reserved
        }
      } else if (profile == 1 || profile == 3) {
        b.read(1);
      }
      return new int[] {b.read(16) + 1, b.read(16) + 1};
    } catch (ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  private static final class Bits {
    private final byte[] d;
    private int bit;

    Bits(byte[] d) {
      this.d = d;
    }

    int read(int n) {
      int v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 1) | ((d[bit >> 3] >> (7 - (bit & 7))) & 1);
        bit++;
      }
      return v;
    }
  }
}
