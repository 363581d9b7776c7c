package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * VP8 (RFC 7741): strips the payload descriptor (X/I/L/T/K extensions, 7- or 15-bit picture id);
 * a frame starts with S=1 and partition index 0; a key frame has P=0 in the first payload byte.
 */
public final class Vp8Depacketizer extends Depacketizer {
  public Vp8Depacketizer(Consumer<EncodedFrame> out) {
    super(out);
  }

  /** Length of the payload descriptor, or -1 when it is truncated. */
  static int descriptorLength(RtpPacket p) {
    int n = p.payloadLength();
    if (n < 1) {
      return -1;
    }
    int len = 1;
    if ((p.payload(0) & 0x80) != 0) { // X: extension byte follows
      if (n < 2) {
        return -1;
      }
      int x = p.payload(1);
      len = 2;
      if ((x & 0x80) != 0) { // I: picture id, 1 or 2 bytes
        if (n < 3) {
          return -1;
        }
        len += (p.payload(2) & 0x80) != 0 ? 2 : 1;
      }
      if ((x & 0x40) != 0) { // L: TL0PICIDX
        len++;
      }
      if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX byte
        len++;
      }
    }
    return len <= n ? len : -1;
  }

  @Override
  protected boolean startsFrame(RtpPacket p) {
    return p.payloadLength() > 0 && (p.payload(0) & 0x10) != 0 && (p.payload(0) & 0x07) == 0;
  }

  @Override
  protected boolean append(RtpPacket p, ByteArrayOutputStream frame) {
    return appendAfterDescriptor(p, descriptorLength(p), frame);
  }

  @Override
  protected boolean isKeyFrame(byte[] frame) {
    return (frame[0] & 0x01) == 0;
  }
}
