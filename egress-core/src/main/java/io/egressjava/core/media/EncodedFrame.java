package io.egressjava.core.media;

/**
 * A whole encoded frame as the publisher's encoder produced it, with its RTP timestamp.
 *
 * @param delayed whether the network made it late rather than its sender: some of its packets came
 *     by retransmission, or were held back behind a gap, or it follows a gap given up as lost.
 *     Such a frame's lateness says nothing about the sender's clock (a pause, a jump).
 */
public record EncodedFrame(byte[] data, long rtpTimestamp, boolean keyFrame, boolean delayed) {

  public EncodedFrame(byte[] data, long rtpTimestamp, boolean keyFrame) {
    this(data, rtpTimestamp, keyFrame, false);
  }

  /** The same frame, marked as made late by the network. */
  public EncodedFrame asDelayed() {
    return delayed ? this : new EncodedFrame(data, rtpTimestamp, keyFrame, true);
  }
}
