package io.egressjava.webrtc.rtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the RTCP packets a receiver sends: receiver reports, SDES CNAME, generic NACK and PLI.
 * Each method returns one packet, unencrypted (SRTCP protection is the caller's next step);
 * {@link #compound} joins several into one datagram. With reduced-size RTCP (RFC 5506, "rtcp-rsize",
 * which WebRTC peers negotiate) a NACK or PLI may be sent alone; otherwise a compound packet must
 * start with a report and carry an SDES CNAME (RFC 3550 §6.1).
 */
public final class RtcpWriter {
  /** The report count field has 5 bits. */
  public static final int MAX_REPORT_BLOCKS = 31;

  private RtcpWriter() {
  }

  /** Receiver report (PT 201) from {@code senderSsrc} with up to 31 report blocks (none is allowed). */
  public static byte[] receiverReport(long senderSsrc, List<ReportBlock> blocks) {
    if (blocks.size() > MAX_REPORT_BLOCKS) {
      throw new IllegalArgumentException(blocks.size() + " report blocks; at most 31 fit in one report");
    }
    byte[] b = new byte[8 + 24 * blocks.size()];
    header(b, blocks.size(), RtcpParser.RR);
    put32(b, 4, senderSsrc);
    int o = 8;
    for (ReportBlock r : blocks) {
      put32(b, o, r.ssrc());
      int lost = Math.max(-0x800000, Math.min(0x7FFFFF, r.cumulativeLost()));
      put32(b, o + 4, ((long) (r.fractionLost() & 0xFF) << 24) | (lost & 0xFFFFFF));
      put32(b, o + 8, r.extendedHighestSeq());
      put32(b, o + 12, r.jitter());
      put32(b, o + 16, r.lastSr());
      put32(b, o + 20, r.delaySinceLastSr());
      o += 24;
    }
    return b;
  }

  /** Source description (PT 202) with one chunk holding a CNAME item (at most 255 bytes of UTF-8). */
  public static byte[] sdesCname(long ssrc, String cname) {
    byte[] text = cname.getBytes(StandardCharsets.UTF_8);
    if (text.length > 255) {
      throw new IllegalArgumentException("CNAME longer than 255 bytes");
    }
    // chunk: SSRC, item (type 1, length, text), then at least one zero byte ending the item list,
    // padded with zeros to a 32-bit boundary
    int chunk = (4 + 2 + text.length + 1 + 3) & ~3;
    byte[] b = new byte[4 + chunk];
    header(b, 1, RtcpParser.SDES);
    put32(b, 4, ssrc);
    b[8] = 1;
    b[9] = (byte) text.length;
    System.arraycopy(text, 0, b, 10, text.length);
    return b;
  }

  /**
   * Generic NACK (RFC 4585 §6.2.1: PT 205, FMT 1) asking {@code mediaSsrc} to resend
   * {@code lostSequences}. Each FCI entry holds a packet id (PID) and a bitmask (BLP) whose bit i
   * marks PID + i + 1 as lost too, so up to 17 sequence numbers share 4 bytes. Distances are taken
   * modulo 2^16, so a list running across the wrap (…, 65535, 0, 1, …) packs as one run. Any order
   * is correct; sorted (in wrap-aware order) is compact.
   */
  public static byte[] nack(long senderSsrc, long mediaSsrc, List<Integer> lostSequences) {
    if (lostSequences.isEmpty()) {
      throw new IllegalArgumentException("a NACK needs at least one sequence number");
    }
    int[] fci = new int[lostSequences.size()]; // PID << 16 | BLP, at most one per sequence number
    int entries = 0;
    int pid = -1;
    for (int seq : lostSequences) {
      seq &= 0xFFFF;
      int distance = pid < 0 ? -1 : (seq - pid) & 0xFFFF;
      if (distance == 0) {
        continue; // the current PID itself, listed twice
      }
      if (distance >= 1 && distance <= 16) {
        fci[entries - 1] |= 1 << (distance - 1);
      } else {
        pid = seq;
        fci[entries++] = pid << 16;
      }
    }
    byte[] b = new byte[12 + 4 * entries];
    header(b, 1, RtcpParser.RTPFB);
    put32(b, 4, senderSsrc);
    put32(b, 8, mediaSsrc);
    for (int i = 0; i < entries; i++) {
      put32(b, 12 + 4 * i, fci[i] & 0xFFFFFFFFL);
    }
    return b;
  }

  /** Picture loss indication (RFC 4585 §6.3.1: PT 206, FMT 1): asks {@code mediaSsrc} for a key frame. */
  public static byte[] pli(long senderSsrc, long mediaSsrc) {
    byte[] b = new byte[12];
    header(b, 1, RtcpParser.PSFB);
    put32(b, 4, senderSsrc);
    put32(b, 8, mediaSsrc);
    return b;
  }

  /** Concatenates packets into one compound datagram (each is already 32-bit aligned). */
  public static byte[] compound(byte[]... packets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : packets) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** V=2, no padding, the 5-bit count (or FMT) field, the type, and the length in words minus one. */
  private static void header(byte[] b, int count, int type) {
    b[0] = (byte) (0x80 | count);
    b[1] = (byte) type;
    int words = b.length / 4 - 1;
    b[2] = (byte) (words >>> 8);
    b[3] = (byte) words;
  }

  private static void put32(byte[] b, int i, long v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
