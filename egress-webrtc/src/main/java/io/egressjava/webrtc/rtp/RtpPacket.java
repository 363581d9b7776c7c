package io.egressjava.webrtc.rtp;

/**
 * One RTP packet (RFC 3550): the fixed header, CSRCs and header extension skipped, padding removed.
 * The payload is a view into the datagram (no copy).
 */
public record RtpPacket(int payloadType, boolean marker, int sequence, long timestamp, long ssrc, byte[] buffer,
    int payloadOffset, int payloadLength) {

  /** Parses a datagram; throws IllegalArgumentException for anything that is not RTP version 2. */
  public static RtpPacket parse(byte[] b, int length) {
    if (length < 12 || (b[0] & 0xC0) != 0x80) {
      throw new IllegalArgumentException("not an RTP v2 packet (" + length + " bytes)");
    }
    boolean padding = (b[0] & 0x20) != 0;
    boolean extension = (b[0] & 0x10) != 0;
    int csrcs = b[0] & 0x0F;
    int offset = 12 + 4 * csrcs;
    if (extension) {
      if (offset + 4 > length) {
        throw new IllegalArgumentException("truncated RTP header extension");
      }
      int words = ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
      offset += 4 + 4 * words;
    }
    int end = length;
    if (padding) {
      end -= b[length - 1] & 0xFF;
    }
    if (offset > end) {
      throw new IllegalArgumentException("RTP header longer than the packet");
    }
    return new RtpPacket(b[1] & 0x7F, (b[1] & 0x80) != 0, ((b[2] & 0xFF) << 8) | (b[3] & 0xFF),
        ((long) (b[4] & 0xFF) << 24) | ((b[5] & 0xFF) << 16) | ((b[6] & 0xFF) << 8) | (b[7] & 0xFF),
        ((long) (b[8] & 0xFF) << 24) | ((b[9] & 0xFF) << 16) | ((b[10] & 0xFF) << 8) | (b[11] & 0xFF),
        b, offset, end - offset);
  }

  public int payload(int i) {
    return buffer[payloadOffset + i] & 0xFF;
  }

  /** 16-bit sequence distance b − a, wrapping. */
  public static int sequenceDelta(int a, int b) {
    return (short) (b - a);
  }
}
