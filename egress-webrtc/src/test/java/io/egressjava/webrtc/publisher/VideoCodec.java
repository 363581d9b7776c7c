package io.egressjava.webrtc.publisher;

import dev.onvoid.webrtc.RTCRtpCodecCapability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The video codecs the publisher can be told to use, and how each maps onto libwebrtc's capabilities. */
public enum VideoCodec {
  VP8("VP8", "video/VP8"),
  VP9("VP9", "video/VP9"),
  H264("H264", "video/H264");

  private final String sdpName;
  private final String mimeType;

  VideoCodec(String sdpName, String mimeType) {
    this.sdpName = sdpName;
    this.mimeType = mimeType;
  }

  /** The MIME type LiveKit uses in AddTrackRequest.simulcast_codecs and TrackInfo. */
  public String mimeType() {
    return mimeType;
  }

  /**
   * The sender capabilities reordered so that this codec comes first (for H.264 constrained
   * baseline 42e01f with packetization-mode 1, which livekit-server and our depacketizer expect,
   * then the other profiles). The other codecs stay in the list on purpose: pion negotiates a
   * connection's video codecs from the first video m-section only, so a later track whose codec
   * the first section did not offer would be answered with another codec. livekit-server puts
   * the AddTrackRequest's codec first in its answer, which is what libwebrtc then sends.
   */
  List<RTCRtpCodecCapability> preferences(List<RTCRtpCodecCapability> senderCapabilities) {
    List<RTCRtpCodecCapability> ordered = new ArrayList<>(senderCapabilities);
    ordered.sort(Comparator.comparingInt(this::rank));
    if (rank(ordered.get(0)) > 1) {
      throw new IllegalStateException("libwebrtc cannot send " + sdpName);
    }
    return ordered;
  }

  /** 0 = the preferred entry of this codec, 1 = other entries of it, 2 = anything else (stable sort keeps its order). */
  private int rank(RTCRtpCodecCapability c) {
    if (!c.getName().equalsIgnoreCase(sdpName)) {
      return 2;
    }
    if (this != H264) {
      return 0;
    }
    boolean preferred = "1".equals(c.getSDPFmtp().get("packetization-mode"))
        && "42e01f".equalsIgnoreCase(c.getSDPFmtp().get("profile-level-id"));
    return preferred ? 0 : 1;
  }
}
