package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Reassembles frames from the RTP packets of one stream, in sequence order. A frame ends with the
 * marker bit or a timestamp change; a frame with a missing or malformed packet is dropped, and
 * after that nothing is emitted until the next key frame (a decoder could not use it). Codec rules (what
 * starts a frame, what to strip, what a key frame is) are in the subclasses.
 */
public abstract class Depacketizer {
  private final Consumer<EncodedFrame> out;
  private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
  private long timestamp = -1;
  private int lastSequence = -1;
  private boolean broken;
  private boolean needKeyFrame = true;
  private boolean started;
  private long dropped;

  protected Depacketizer(Consumer<EncodedFrame> out) {
    this.out = out;
  }

  /**
   * Packets must come in sequence order (the jitter buffer's job); gaps are losses. Padding-only
   * packets belong in the sequence too: leaving them out would look like loss.
   */
  public final void push(RtpPacket p) {
    if (lastSequence >= 0 && RtpPacket.sequenceDelta(lastSequence, p.sequence()) != 1) {
      // a packet is missing: it belonged to the frame being built (dropped below, at its end) or to
      // frames in between; either way a video decoder needs a key frame now
      broken = broken || started;
      needKeyFrame = needKeyFrame || requiresKeyFrameAfterLoss();
    }
    lastSequence = p.sequence();
    if (p.payloadLength() == 0) {
      return; // padding only (a bandwidth probe): it takes a sequence number and carries nothing
    }
    if (started && p.timestamp() != timestamp) {
      finish(); // the previous frame had no marker
    }
    if (!started) {
      started = true;
      timestamp = p.timestamp();
      if (!startsFrame(p)) {
        broken = true;
      }
    }
    if (!append(p, frame)) {
      broken = true;
    }
    if (endsFrame(p)) {
      finish();
    }
  }

  private void finish() {
    if (!started) {
      return;
    }
    byte[] data = frame.toByteArray();
    boolean key = data.length > 0 && isKeyFrame(data);
    boolean whole = !broken && frameComplete();
    if (whole && data.length > 0 && (!needKeyFrame || key)) {
      needKeyFrame = false;
      out.accept(new EncodedFrame(data, timestamp, key));
    } else {
      dropped++;
      if (!whole) {
        // a malformed or unfinished frame is as lost as a missing packet's: later frames refer to it
        needKeyFrame = needKeyFrame || requiresKeyFrameAfterLoss();
      }
    }
    frame.reset();
    started = false;
    broken = false;
  }

  /** Whether output waits for a key frame (after a loss or at the start): time to ask for one. */
  public boolean awaitingKeyFrame() {
    return needKeyFrame;
  }

  /** Frames dropped as incomplete or undecodable. */
  public long dropped() {
    return dropped;
  }

  /** Whether this packet starts a frame (its first packet). */
  protected abstract boolean startsFrame(RtpPacket p);

  /** Appends the packet's part of the frame; false when the packet is malformed. */
  protected abstract boolean append(RtpPacket p, ByteArrayOutputStream frame);

  protected abstract boolean isKeyFrame(byte[] frame);

  /** Appends the payload after a codec's payload descriptor of {@code descriptor} bytes (-1: malformed). */
  protected static boolean appendAfterDescriptor(RtpPacket p, int descriptor, ByteArrayOutputStream frame) {
    if (descriptor < 0) {
      return false;
    }
    frame.write(p.buffer(), p.payloadOffset() + descriptor, p.payloadLength() - descriptor);
    return true;
  }

  /**
   * Whether the frame is whole at its end; a codec that carries a fragment across packets says no
   * when the frame ended (at a marker or a new timestamp) with its last unit still unfinished.
   */
  protected boolean frameComplete() {
    return true;
  }

  /** Video frames end at the marker bit; a codec whose every packet is a frame says so here. */
  protected boolean endsFrame(RtpPacket p) {
    return p.marker();
  }

  /** Audio frames are independent; video needs a key frame after a loss. */
  protected boolean requiresKeyFrameAfterLoss() {
    return true;
  }
}
