package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RtxUnwrapperTest {
  private static final RtxUnwrapper UNWRAPPER = new RtxUnwrapper(0xAAAAL, Map.of(97, 96, 99, 98));

  /** An RTX datagram (RFC 4588 §4) repeating {@code original}, with {@code padding} bytes of padding. */
  static byte[] rtx(int rtxSequence, long rtxSsrc, int rtxPayloadType, RtpPacket original, int padding) {
    int n = 12 + 2 + original.payloadLength() + padding;
    byte[] b = new byte[n];
    b[0] = (byte) (padding > 0 ? 0xA0 : 0x80);
    b[1] = (byte) ((original.marker() ? 0x80 : 0) | rtxPayloadType);
    b[2] = (byte) (rtxSequence >>> 8);
    b[3] = (byte) rtxSequence;
    for (int i = 0; i < 4; i++) {
      b[4 + i] = (byte) (original.timestamp() >>> (24 - 8 * i));
      b[8 + i] = (byte) (rtxSsrc >>> (24 - 8 * i));
    }
    b[12] = (byte) (original.sequence() >>> 8); // OSN
    b[13] = (byte) original.sequence();
    System.arraycopy(original.buffer(), original.payloadOffset(), b, 14, original.payloadLength());
    if (padding > 0) {
      b[n - 1] = (byte) padding;
    }
    return b;
  }

  @Test
  void restoresTheOriginalPacket() {
    RtpPacket original = new RtpPacket(96, true, 0x1234, 123456, 0xAAAAL, new byte[] {1, 2, 3}, 0, 3);
    byte[] datagram = rtx(7000, 0xBBBBL, 97, original, 3);
    RtpPacket p = UNWRAPPER.unwrap(RtpPacket.parse(datagram, datagram.length));
    assertThat(p.sequence()).isEqualTo(0x1234);
    assertThat(p.payloadType()).isEqualTo(96);
    assertThat(p.ssrc()).isEqualTo(0xAAAAL);
    assertThat(p.timestamp()).isEqualTo(123456);
    assertThat(p.marker()).isTrue();
    assertThat(p.payloadLength()).isEqualTo(3); // padding gone, OSN gone
    assertThat(new int[] {p.payload(0), p.payload(1), p.payload(2)}).containsExactly(1, 2, 3);
  }

  @Test
  void paddingOnlyRtxPacketsYieldNothing() {
    RtpPacket empty = new RtpPacket(96, false, 0, 0, 0, new byte[0], 0, 0);
    byte[] probe = rtx(1, 0xBBBBL, 97, empty, 200);
    // a bandwidth probe: padding only, so not even an OSN remains (build it without one)
    byte[] noOsn = java.util.Arrays.copyOf(probe, probe.length - 2);
    noOsn[noOsn.length - 1] = (byte) (noOsn.length - 12);
    assertThat(UNWRAPPER.unwrap(RtpPacket.parse(noOsn, noOsn.length))).isNull();
    byte[] oneByte = {(byte) 0x80, 97, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xBB, (byte) 0xBB, 0x12};
    assertThat(UNWRAPPER.unwrap(RtpPacket.parse(oneByte, oneByte.length))).isNull();
    // an OSN and nothing else: the retransmission of a padding-only packet, which still holds a place
    RtpPacket restored = UNWRAPPER.unwrap(RtpPacket.parse(probe, probe.length));
    assertThat(restored.payloadLength()).isZero();
    assertThat(restored.sequence()).isZero();
  }

  @Test
  void eachRtxPayloadTypeMapsToItsMediaTypeAndUnknownOnesYieldNothing() {
    RtpPacket original = new RtpPacket(98, false, 5, 9, 0xAAAAL, new byte[] {7}, 0, 1);
    byte[] datagram = rtx(1, 0xBBBBL, 99, original, 0);
    assertThat(UNWRAPPER.unwrap(RtpPacket.parse(datagram, datagram.length)).payloadType()).isEqualTo(98);
    byte[] unknown = rtx(1, 0xBBBBL, 100, original, 0);
    assertThat(UNWRAPPER.unwrap(RtpPacket.parse(unknown, unknown.length))).isNull();
  }
}
