package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * VP9 (RFC 9628): strips the payload descriptor (picture id, layer indices, flexible-mode
 * reference indices, scalability structure). B=1 begins a frame; a frame that is not
 * inter-predicted (P=0) in its first layer is a key frame. Layers sharing a timestamp are joined
 * in order (the SFU forwards the layers up to the one it selected, with the marker on the last).
 */
public final class Vp9Depacketizer extends Depacketizer {
  private boolean firstPacketNotPredicted;

  public Vp9Depacketizer(Consumer<EncodedFrame> out) {
    super(out);
  }

  /** Length of the payload descriptor, or -1 when it is truncated or malformed. */
  static int descriptorLength(RtpPacket p) {
    int n = p.payloadLength();
    if (n < 1) {
      return -1;
    }
    int h = p.payload(0);
    boolean pictureId = (h & 0x80) != 0;
    boolean interPredicted = (h & 0x40) != 0;
    boolean layers = (h & 0x20) != 0;
    boolean flexible = (h & 0x10) != 0;
    boolean ss = (h & 0x02) != 0;
    int i = 1;
    if (pictureId) {
      if (i >= n) {
        return -1;
      }
      i += (p.payload(i) & 0x80) != 0 ? 2 : 1;
    }
    if (layers) {
      i += flexible ? 1 : 2; // TID/U/SID/D (+ TL0PICIDX in non-flexible mode)
    }
    if (flexible && interPredicted) {
      for (int refs = 0; refs < 3; refs++) { // P_DIFF bytes, N bit says another follows
        if (i >= n) {
          return -1;
        }
        boolean more = (p.payload(i) & 0x01) != 0;
        i++;
        if (!more) {
          break;
        }
      }
    }
    if (ss) {
      if (i >= n) {
        return -1;
      }
      int s = p.payload(i++);
      int spatialLayers = (s >> 5) + 1;
      boolean sizes = (s & 0x10) != 0;
      boolean groups = (s & 0x08) != 0;
      if (sizes) {
        i += 4 * spatialLayers;
      }
      if (groups) {
        if (i >= n) {
          return -1;
        }
        int pictures = p.payload(i++);
        for (int g = 0; g < pictures; g++) {
          if (i >= n) {
            return -1;
          }
          int refs = (p.payload(i) >> 2) & 0x03;
          i += 1 + refs;
        }
      }
    }
    return i <= n ? i : -1;
  }

  @Override
  protected boolean startsFrame(RtpPacket p) {
    boolean begins = p.payloadLength() > 0 && (p.payload(0) & 0x08) != 0;
    firstPacketNotPredicted = begins && (p.payload(0) & 0x40) == 0;
    return begins;
  }

  @Override
  protected boolean append(RtpPacket p, ByteArrayOutputStream frame) {
    return appendAfterDescriptor(p, descriptorLength(p), frame);
  }

  @Override
  protected boolean isKeyFrame(byte[] frame) {
    // the descriptor's P bit of the frame's first packet; also check the uncompressed header's
    // frame_type (0 = key frame) for profile 0/1 streams
    if (!firstPacketNotPredicted || frame.length == 0) {
      return false;
    }
    int b = frame[0] & 0xFF;
    int profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
    int bit = profile == 3 ? 5 : 4; // position from the top of show_existing_frame (after marker, profile)
    boolean showExisting = ((b >> (7 - bit)) & 1) != 0;
    boolean keyFrameType = ((b >> (7 - bit - 1)) & 1) == 0;
    return !showExisting && keyFrameType;
  }
}
