package io.egressjava.webrtc.rtp;

/**
 * Reads the abs-capture-time header extension (webrtc.org experiments, 8-byte UQ32.32 NTP capture
 * time of the frame in the sender's clock), which LiveKit forwards normalised to one clock per
 * publisher: a per-packet sender report, so audio and video can be lined up without RTCP.
 * Handles the one-byte (0xBEDE) and two-byte (0x100x) header-extension profiles.
 */
public final class AbsCaptureTime {
  /** No such extension in the packet. */
  public static final long NONE = Long.MIN_VALUE;

  private AbsCaptureTime() {}

  /** The 64-bit NTP capture time carried under extension {@code id}, or {@link #NONE}. */
  public static long read(byte[] b, int length, int id) {
    if (id <= 0 || length < 12 || (b[0] & 0x10) == 0) {
      return NONE;
    }
    int off = 12 + 4 * (b[0] & 0x0F);
    if (off + 4 > length) {
      return NONE;
    }
    int profile = ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    int end = off + 4 + 4 * (((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF));
    if (end > length) {
      return NONE;
    }
    boolean oneByte = profile == 0xBEDE;
    if (!oneByte && (profile & 0xFFF0) != 0x1000) {
      return NONE;
    }
    int p = off + 4;
    while (p < end) {
      int elementId;
      int elementLength;
      if (oneByte) {
        if (b[p] == 0) {
          p++; // padding
          continue;
        }
        elementId = (b[p] & 0xF0) >>> 4;
        elementLength = (b[p] & 0x0F) + 1;
        if (elementId == 15) {
          return NONE; // reserved: stop
        }
        p++;
      } else {
        if (b[p] == 0) {
          p++;
          continue;
        }
        if (p + 2 > end) {
          return NONE;
        }
        elementId = b[p] & 0xFF;
        elementLength = b[p + 1] & 0xFF;
        p += 2;
      }
      if (p + elementLength > end) {
        return NONE;
      }
      if (elementId == id && elementLength >= 8) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
          v = (v << 8) | (b[p + i] & 0xFF);
        }
        return v;
      }
      p += elementLength;
    }
    return NONE;
  }
}
