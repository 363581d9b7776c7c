package io.egressjava.webrtc.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a decrypted RTCP datagram: a compound packet (RFC 3550 §6.1) or a reduced-size one that
 * holds a single packet of any type (RFC 5506), so no assumption is made about the first type.
 * Datagrams come from the network: nothing is thrown; parsing stops at the first header that is
 * not version 2, or whose length runs past the datagram, and returns what was read before it.
 */
public final class RtcpParser {
  static final int SR = 200;
  static final int RR = 201;
  static final int SDES = 202;
  static final int BYE = 203;
  static final int RTPFB = 205;
  static final int PSFB = 206;

  private RtcpParser() {
  }

  /**
   * Whether a datagram on a muxed RTP/RTCP port is RTCP (RFC 5761 §4): the second byte holds an
   * RTCP packet type 192–223, which for RTP would be a marker bit plus payload types 64–95, a range
   * dynamic payload types must not use when multiplexing.
   */
  public static boolean isRtcp(byte[] b, int length) {
    if (length < 8 || b.length < 8 || (b[0] & 0xC0) != 0x80) {
      return false;
    }
    int type = b[1] & 0xFF;
    return type >= 192 && type <= 223;
  }

  /** The sender reports and BYEs of the first {@code length} bytes of {@code b}, in order. */
  public static List<RtcpRecord> parse(byte[] b, int length) {
    List<RtcpRecord> out = new ArrayList<>();
    int end = Math.min(length, b.length);
    int off = 0;
    while (end - off >= 4) {
      int first = b[off] & 0xFF;
      if ((first >>> 6) != 2) {
        break;
      }
      int count = first & 0x1F;
      int type = b[off + 1] & 0xFF;
      int size = (u16(b, off + 2) + 1) * 4; // the length field counts 32-bit words minus one
      if (size > end - off) {
        break;
      }
      int packetEnd = off + size;
      if ((first & 0x20) != 0) { // padding: the last byte says how many bytes to drop
        int padding = b[packetEnd - 1] & 0xFF;
        if (padding == 0 || padding > size - 4) {
          break;
        }
        packetEnd -= padding;
      }
      if (type == SR && packetEnd - off >= 28) {
        out.add(new RtcpRecord.SenderReport(u32(b, off + 4), (u32(b, off + 8) << 32) | u32(b, off + 12),
            u32(b, off + 16), u32(b, off + 20), u32(b, off + 24)));
      } else if (type == BYE) {
        int n = Math.min(count, (packetEnd - off - 4) / 4);
        List<Long> ssrcs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ssrcs.add(u32(b, off + 4 + 4 * i));
        }
        out.add(new RtcpRecord.Bye(ssrcs));
      }
      off += size;
    }
    return out;
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  private static long u32(byte[] b, int i) {
    return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
  }
}
