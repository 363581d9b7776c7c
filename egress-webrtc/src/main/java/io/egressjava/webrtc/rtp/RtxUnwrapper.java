package io.egressjava.webrtc.rtp;

import java.util.Map;

/**
 * Turns retransmissions back into the packets they repeat (RFC 4588, SSRC-multiplexed RTX as
 * WebRTC uses it): an RTX packet has its own SSRC, sequence numbers and payload type (mapped to
 * the media one by the SDP's {@code apt} parameter); its payload is the original sequence number
 * (2 bytes) followed by the original payload. Timestamp and marker are the original's already.
 */
public final class RtxUnwrapper {
  private final long mediaSsrc;
  private final Map<Integer, Integer> mediaPayloadTypeByRtx;

  /**
   * @param mediaSsrc the SSRC of the stream the retransmissions belong to
   * @param mediaPayloadTypeByRtx RTX payload type → media payload type (a=fmtp:RTX apt=MEDIA)
   */
  public RtxUnwrapper(long mediaSsrc, Map<Integer, Integer> mediaPayloadTypeByRtx) {
    this.mediaSsrc = mediaSsrc;
    this.mediaPayloadTypeByRtx = Map.copyOf(mediaPayloadTypeByRtx);
  }

  /**
   * The original packet, a view into the RTX packet's buffer; null when there is none: a padding-only
   * RTX packet (senders probe bandwidth with them; under 2 bytes of payload once padding is removed)
   * or an RTX payload type without an apt mapping.
   */
  public RtpPacket unwrap(RtpPacket rtx) {
    Integer mediaPayloadType = mediaPayloadTypeByRtx.get(rtx.payloadType());
    if (mediaPayloadType == null || rtx.payloadLength() < 2) {
      return null;
    }
    int originalSequence = (rtx.payload(0) << 8) | rtx.payload(1);
    return new RtpPacket(mediaPayloadType, rtx.marker(), originalSequence, rtx.timestamp(), mediaSsrc, rtx.buffer(),
        rtx.payloadOffset() + 2, rtx.payloadLength() - 2);
  }
}
