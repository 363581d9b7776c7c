package io.egressjava.media.ffmpeg;

import java.util.Arrays;

/**
 * Finds the sequence header OBU in an AV1 temporal unit (low-overhead format, as the RTP depacketizer
 * and IVF produce it). Containers need it up front (Matroska/MP4 `av1C`), and a passthrough track has
 * no encoder to provide it, so it is taken from the first key frame.
 */
public final class Av1Parameters {
  private static final int OBU_SEQUENCE_HEADER = 1;

  private Av1Parameters() {}

  /** The whole sequence header OBU (header, size and payload), or null when the unit has none. */
  public static byte[] sequenceHeader(byte[] unit) {
    int pos = 0;
    while (pos < unit.length) {
      int start = pos;
      int header = unit[pos++] & 0xFF;
      int type = (header >> 3) & 0x0F;
      boolean extension = (header & 0x04) != 0;
      boolean hasSize = (header & 0x02) != 0;
      if (extension) {
        pos++;
      }
      long size;
      if (hasSize) {
        size = 0;
        for (int i = 0; i < 8 && pos < unit.length; i++) {
          int b = unit[pos++] & 0xFF;
          size |= (long) (b & 0x7F) << (7 * i);
          if ((b & 0x80) == 0) {
            break;
          }
        }
      } else {
        size = unit.length - pos; // the last OBU runs to the end
      }
      long end = pos + size;
      if (end > unit.length) {
        return null;
      }
      if (type == OBU_SEQUENCE_HEADER) {
        return Arrays.copyOfRange(unit, start, (int) end);
      }
      pos = (int) end;
    }
    return null;
  }
}
