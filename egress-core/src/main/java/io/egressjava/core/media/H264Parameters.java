package io.egressjava.core.media;

import java.io.ByteArrayOutputStream;

/** Finds H.264 parameter sets (SPS, PPS) in an Annex B access unit. */
public final class H264Parameters {
  private H264Parameters() {}

  /** The SPS and PPS NAL units of {@code accessUnit}, each with a 4-byte start code; null when it carries none. */
  public static byte[] parameterSetsOrNull(byte[] accessUnit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = nextStart(accessUnit, 0);
    while (i >= 0) {
      int payload = i + (accessUnit[i + 2] == 1 ? 3 : 4);
      int next = nextStart(accessUnit, payload);
      int end = next < 0 ? accessUnit.length : next;
      int type = accessUnit[payload] & 0x1F;
      if (type == 7 || type == 8) {
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.write(accessUnit, payload, end - payload);
      }
      i = next;
    }
    return out.size() == 0 ? null : out.toByteArray();
  }

  /** Index of the next 00 00 01 or 00 00 00 01 start code at or after {@code from}, or -1. */
  private static int nextStart(byte[] b, int from) {
    for (int i = from; i + 3 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0) {
        if (b[i + 2] == 1) {
          return i;
        }
        if (b[i + 2] == 0 && b[i + 3] == 1) {
          return i;
        }
      }
    }
    return -1;
  }
}
