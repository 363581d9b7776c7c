package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * H.264 (RFC 6184, packetization modes 0 and 1): single NAL units, STAP-A aggregates and FU-A
 * fragments become one Annex-B access unit (4-byte start codes). A key frame holds an IDR slice.
 */
public final class H264Depacketizer extends Depacketizer {
  private static final byte[] START = {0, 0, 0, 1};
  private static final int STAP_A = 24;
  private static final int FU_A = 28;

  public H264Depacketizer(Consumer<EncodedFrame> out) {
    super(out);
  }

  @Override
  protected boolean startsFrame(RtpPacket p) {
    if (p.payloadLength() < 1) {
      return false;
    }
    int type = p.payload(0) & 0x1F;
    // a fragmented NAL must begin with its start fragment
    return type != FU_A || (p.payloadLength() > 1 && (p.payload(1) & 0x80) != 0);
  }

  @Override
  protected boolean append(RtpPacket p, ByteArrayOutputStream frame) {
    int n = p.payloadLength();
    if (n < 1) {
      return false;
    }
    byte[] b = p.buffer();
    int o = p.payloadOffset();
    int type = b[o] & 0x1F;
    if (type >= 1 && type <= 23) {
      frame.writeBytes(START);
      frame.write(b, o, n);
      return true;
    }
    if (type == STAP_A) {
      int i = 1;
      while (i + 2 <= n) {
        int size = ((b[o + i] & 0xFF) << 8) | (b[o + i + 1] & 0xFF);
        i += 2;
        if (size == 0 || i + size > n) {
          return false;
        }
        frame.writeBytes(START);
        frame.write(b, o + i, size);
        i += size;
      }
      return i == n;
    }
    if (type == FU_A) {
      if (n < 2) {
        return false;
      }
      int fu = b[o + 1] & 0xFF;
      if ((fu & 0x80) != 0) { // start: rebuild the NAL header from the indicator's F/NRI and the type
        frame.writeBytes(START);
        frame.write((b[o] & 0xE0) | (fu & 0x1F));
      }
      frame.write(b, o + 2, n - 2);
      return true;
    }
    return false; // STAP-B, MTAP, FU-B: not in packetization mode 1
  }

  /**
   * The marker ends the access unit, except on a lone SEI, SPS, PPS or delimiter: pion-based
   * publishers (the Go SDK's file reader) send each of those as a sample of its own, marker set,
   * with the timestamp of the picture that follows.
   */
  @Override
  protected boolean endsFrame(RtpPacket p) {
    if (!p.marker() || p.payloadLength() < 1) {
      return p.marker();
    }
    int type = p.payload(0) & 0x1F;
    return type < 6 || type > 9;
  }

  @Override
  protected boolean isKeyFrame(byte[] frame) {
    for (int i = 0; i + 4 < frame.length; i++) {
      if (frame[i] == 0 && frame[i + 1] == 0 && frame[i + 2] == 0 && frame[i + 3] == 1 && (frame[i + 4] & 0x1F) == 5) {
        return true;
      }
    }
    return false;
  }
}
