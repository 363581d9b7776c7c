package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * AV1 (AOM "RTP Payload Format for AV1"): each payload is a one-byte aggregation header
 * (Z|Y|W|N|reserved) and OBU elements; OBUs fragmented across packets (Y on one packet, Z on the
 * next) are put back together. A temporal unit comes out in the low-overhead bitstream format
 * (Section 5.2 of the AV1 spec): every OBU carries {@code obu_has_size_field} = 1 and a LEB128
 * size (senders are told to leave it out), its extension header kept. That is what
 * {@code Av1Parameters.sequenceHeader} parses and what FFmpeg's Matroska and MP4 muxers take.
 *
 * <p>Temporal delimiters and tile lists are dropped (the payload spec says receivers ignore them)
 * and no temporal delimiter is added: Matroska and MP4 store temporal units without one.
 */
public final class Av1Depacketizer extends Depacketizer {
  static final int OBU_SEQUENCE_HEADER = 1;
  static final int OBU_TEMPORAL_DELIMITER = 2;
  static final int OBU_FRAME_HEADER = 3;
  static final int OBU_FRAME = 6;
  static final int OBU_TILE_LIST = 8;

  /** The OBU being put together from fragments (Y=1 on the packet that held its start). */
  private final ByteArrayOutputStream fragment = new ByteArrayOutputStream();
  private boolean fragmentPending;
  /** Bytes taken by the last LEB128 read. */
  private int lebBytes;

  public Av1Depacketizer(Consumer<EncodedFrame> out) {
    super(out);
  }

  /** A temporal unit begins with a whole OBU or an OBU's first fragment (Z=0). */
  @Override
  protected boolean startsFrame(RtpPacket p) {
    fragment.reset(); // a fragment left from a dropped frame must not leak into this one
    fragmentPending = false;
    return p.payloadLength() > 0 && (p.payload(0) & 0x80) == 0;
  }

  @Override
  protected boolean append(RtpPacket p, ByteArrayOutputStream frame) {
    int n = p.payloadLength();
    if (n < 2) {
      return false; // an aggregation header and no OBU element
    }
    byte[] b = p.buffer();
    int o = p.payloadOffset();
    int header = b[o] & 0xFF;
    boolean continues = (header & 0x80) != 0; // Z
    boolean continued = (header & 0x40) != 0; // Y
    int count = (header >> 4) & 0x03; // W: 0 = every element has a length
    if (continues != fragmentPending) {
      return false; // a continuation with no start, or a start whose continuation never came
    }
    int i = 1;
    int elements = 0;
    while (i < n) {
      elements++;
      int length;
      if (count != 0 && elements == count) {
        length = n - i; // the last of W elements runs to the end of the payload
      } else {
        long l = readLeb128(b, o + i, o + n);
        if (l < 0 || l > n - i - lebBytes) {
          return false;
        }
        i += lebBytes;
        length = (int) l;
      }
      boolean first = elements == 1;
      boolean last = i + length == n;
      if (last && continued) {
        fragment.write(b, o + i, length); // the OBU goes on in the next packet
        fragmentPending = true;
        return count == 0 || elements == count;
      }
      if (first && continues) {
        fragment.write(b, o + i, length);
        byte[] obu = fragment.toByteArray();
        fragment.reset();
        fragmentPending = false;
        if (!writeObu(obu, 0, obu.length, frame)) {
          return false;
        }
      } else if (!writeObu(b, o + i, length, frame)) {
        return false;
      }
      i += length;
    }
    return count == 0 || elements == count; // fewer elements than W announced: malformed
  }

  /**
   * Writes one whole OBU with a size field (replacing any size field it came with); drops temporal
   * delimiters and tile lists. False when the OBU is malformed.
   */
  private boolean writeObu(byte[] b, int off, int len, ByteArrayOutputStream frame) {
    if (len < 1 || (b[off] & 0x80) != 0) {
      return false; // empty, or obu_forbidden_bit set
    }
    int header = b[off] & 0xFF;
    int type = (header >> 3) & 0x0F;
    boolean extension = (header & 0x04) != 0;
    int pos = off + (extension ? 2 : 1);
    int end = off + len;
    if (pos > end) {
      return false;
    }
    if ((header & 0x02) != 0) {
      // a sender may keep obu_size; it must then cover exactly the rest of the element
      long size = readLeb128(b, pos, end);
      if (size < 0 || size != end - pos - lebBytes) {
        return false;
      }
      pos += lebBytes;
    }
    if (type == OBU_TEMPORAL_DELIMITER || type == OBU_TILE_LIST) {
      return true;
    }
    frame.write(header | 0x02);
    if (extension) {
      frame.write(b[off + 1]);
    }
    writeLeb128(frame, end - pos);
    frame.write(b, pos, end - pos);
    return true;
  }

  /** A temporal unit that ended with Y=1 on its last packet lacks the end of its last OBU. */
  @Override
  protected boolean frameComplete() {
    return !fragmentPending;
  }

  /**
   * A key frame is a temporal unit a decoder can start from: it holds a sequence header and its
   * first frame header is a KEY_FRAME (not a show_existing_frame, which needs an earlier frame).
   * The bitstream is read rather than the N bit because N is only a sender's claim (some
   * packetizers never set it, and an SFU does not fix it), and the sequence header is needed
   * anyway: the container takes it from the first key frame, and a decoder restarting after loss
   * may need it.
   */
  @Override
  protected boolean isKeyFrame(byte[] unit) {
    boolean sequenceHeader = false;
    boolean reducedStillPicture = false;
    int pos = 0;
    while (pos < unit.length) {
      int header = unit[pos] & 0xFF;
      int type = (header >> 3) & 0x0F;
      pos += (header & 0x04) != 0 ? 2 : 1;
      long size = readLeb128(unit, pos, unit.length); // every OBU has a size: we wrote them
      if (size < 0 || size > unit.length - pos - lebBytes) {
        return false;
      }
      pos += lebBytes;
      if (type == OBU_SEQUENCE_HEADER && size > 0) {
        sequenceHeader = true;
        // seq_profile (3 bits), still_picture (1), reduced_still_picture_header (1)
        reducedStillPicture = (unit[pos] & 0x08) != 0;
      } else if (type == OBU_FRAME_HEADER || type == OBU_FRAME) {
        if (!sequenceHeader || size == 0) {
          return false;
        }
        if (reducedStillPicture) {
          return true; // the header is implied: a shown key frame
        }
        int first = unit[pos] & 0xFF;
        boolean showExistingFrame = (first & 0x80) != 0;
        int frameType = (first >> 5) & 0x03; // 0 = KEY_FRAME
        return !showExistingFrame && frameType == 0;
      }
      pos += (int) size;
    }
    return false;
  }

  /** An unsigned LEB128 value (at most 8 bytes, below 2^32), its length in {@link #lebBytes}; -1 when malformed. */
  private long readLeb128(byte[] b, int off, int end) {
    long value = 0;
    for (int i = 0; i < 8 && off + i < end; i++) {
      int x = b[off + i] & 0xFF;
      value |= (long) (x & 0x7F) << (7 * i);
      if ((x & 0x80) == 0) {
        lebBytes = i + 1;
        return value <= 0xFFFF_FFFFL ? value : -1;
      }
    }
    return -1;
  }

  /** Writes {@code value} as LEB128 in the fewest bytes. */
  private static void writeLeb128(ByteArrayOutputStream out, long value) {
    do {
      int x = (int) (value & 0x7F);
      value >>>= 7;
      out.write(value != 0 ? x | 0x80 : x);
    } while (value != 0);
  }
}
