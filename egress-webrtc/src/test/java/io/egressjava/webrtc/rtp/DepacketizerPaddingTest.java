package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Padding-only packets (bandwidth probes) hold a sequence number: neither loss nor a frame. */
class DepacketizerPaddingTest {

  private static RtpPacket vp8(int seq, long ts, boolean key) {
    // descriptor: S=1, partition 0; then the first byte of the VP8 frame (P bit 0 = key frame)
    byte[] payload = {0x10, (byte) (key ? 0x00 : 0x01), 0x2A};
    return new RtpPacket(96, true, seq, ts, 1, payload, 0, payload.length);
  }

  private static RtpPacket padding(int seq, long ts) {
    return new RtpPacket(96, false, seq, ts, 1, new byte[0], 0, 0);
  }

  @Test
  void paddingBetweenFramesIsNeitherLossNorAFrame() {
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Vp8Depacketizer(frames::add);
    d.push(vp8(10, 3000, true));
    d.push(padding(11, 3000)); // probes reuse the last timestamp
    d.push(padding(12, 3000));
    d.push(vp8(13, 6000, false)); // a delta frame: only decodable if nothing was lost
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(3000L, 6000L);
    assertThat(d.dropped()).isZero();
  }

  @Test
  void aGapBeforePaddingIsStillLoss() {
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Vp8Depacketizer(frames::add);
    d.push(vp8(10, 3000, true));
    d.push(padding(12, 3000)); // 11 lost
    d.push(vp8(13, 6000, false));
    d.push(vp8(14, 9000, true));
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(3000L, 9000L);
  }
}
