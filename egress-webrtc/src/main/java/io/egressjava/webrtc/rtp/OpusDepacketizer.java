package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/** Opus (RFC 7587): one packet is one frame, the payload as it is. */
public final class OpusDepacketizer extends Depacketizer {
  public OpusDepacketizer(Consumer<EncodedFrame> out) {
    super(out);
  }

  @Override
  protected boolean startsFrame(RtpPacket p) {
    return true;
  }

  @Override
  protected boolean append(RtpPacket p, ByteArrayOutputStream frame) {
    return appendAfterDescriptor(p, 0, frame); // Opus has no descriptor
  }

  /** The marker bit only flags a talk spurt; two packets may even share a timestamp (SFU fillers). */
  @Override
  protected boolean endsFrame(RtpPacket p) {
    return true;
  }

  @Override
  protected boolean isKeyFrame(byte[] frame) {
    return true;
  }

  @Override
  protected boolean requiresKeyFrameAfterLoss() {
    return false;
  }
}
