package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RtpPacketTest {

  @Test
  void headerWithCsrcExtensionAndPadding() {
    byte[] b = {
        (byte) 0xB1, (byte) 0xE0, 0x12, 0x34, // V=2 P=1 X=1 CC=1, M=1 PT=96, seq 0x1234
        0x00, 0x01, 0x00, 0x02, // timestamp 65538
        (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, // ssrc
        0, 0, 0, 7, // one CSRC
        (byte) 0xBE, (byte) 0xDE, 0x00, 0x01, 0x10, 0x55, 0x00, 0x00, // one-byte extension, 1 word
        0x0A, 0x0B, 0x0C, // payload
        0x00, 0x02 // 2 bytes of padding, the last one holding the count
    };
    RtpPacket p = RtpPacket.parse(b, b.length);
    assertThat(p.marker()).isTrue();
    assertThat(p.payloadType()).isEqualTo(96);
    assertThat(p.sequence()).isEqualTo(0x1234);
    assertThat(p.timestamp()).isEqualTo(65538);
    assertThat(p.ssrc()).isEqualTo(0xDEADBEEFL);
    assertThat(p.payloadLength()).isEqualTo(3);
    assertThat(p.payload(0)).isEqualTo(0x0A);
  }

  @Test
  void sequenceDeltaWraps() {
    assertThat(RtpPacket.sequenceDelta(65535, 0)).isEqualTo(1);
    assertThat(RtpPacket.sequenceDelta(0, 65535)).isEqualTo(-1);
    assertThat(RtpPacket.sequenceDelta(100, 105)).isEqualTo(5);
  }

  @Test
  void rejectsWhatIsNotRtp() {
    assertThatThrownBy(() -> RtpPacket.parse(new byte[] {0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RtpPacket.parse(new byte[4], 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
