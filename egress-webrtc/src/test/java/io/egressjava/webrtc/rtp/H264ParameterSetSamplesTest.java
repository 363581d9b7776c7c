package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pion publishers send SPS, PPS and the IDR slice as three marked packets of one timestamp. */
class H264ParameterSetSamplesTest {

  private static RtpPacket packet(int seq, long ts, int... bytes) {
    byte[] nal = bytes(bytes);
    return new RtpPacket(102, true, seq, ts, 1, nal, 0, nal.length);
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void parameterSetsStayWithTheirPicture() {
    List<EncodedFrame> frames = new ArrayList<>();
    H264Depacketizer d = new H264Depacketizer(frames::add);
    d.push(packet(1, 3000, 0x67, 0x42, 0x00, 0x1f)); // SPS
    d.push(packet(2, 3000, 0x68, 0xce, 0x3c)); // PPS
    d.push(packet(3, 3000, 0x65, 0x88, 0x01)); // IDR slice
    d.push(packet(4, 6000, 0x41, 0x9a, 0x02)); // next picture
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).keyFrame()).isTrue();
    assertThat(frames.get(0).data()).containsExactly(bytes(0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1f, 0, 0, 0, 1, 0x68, 0xce, 0x3c,
        0, 0, 0, 1, 0x65, 0x88, 0x01));
    assertThat(frames.get(1).keyFrame()).isFalse();
  }
}
