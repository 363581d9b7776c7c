package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AbsCaptureTimeTest {
  private static final long NTP = 0x1122334455667788L;

  /** RTP header with X set, then the extension block, then 4 payload bytes. */
  private static byte[] packet(int profile, byte[] elements) {
    int words = (elements.length + 3) / 4;
    ByteBuffer b = ByteBuffer.allocate(12 + 4 + words * 4 + 4);
    b.put((byte) 0x90).put((byte) 96).putShort((short) 1).putInt(3000).putInt(0x12345678);
    b.putShort((short) profile).putShort((short) words).put(elements);
    return b.array();
  }

  @Test
  void oneByteProfileAfterAnotherElementAndPadding() {
    ByteBuffer e = ByteBuffer.allocate(16);
    e.put((byte) 0x10).put((byte) 0xAB); // id 1, 2 bytes... length-1 = 0 → 1 byte: 0xAB
    e.put((byte) 0x00); // padding
    e.put((byte) 0x27).putLong(NTP); // id 2, 8 bytes
    byte[] p = packet(0xBEDE, e.array());
    assertThat(AbsCaptureTime.read(p, p.length, 2)).isEqualTo(NTP);
    assertThat(AbsCaptureTime.read(p, p.length, 3)).isEqualTo(AbsCaptureTime.NONE);
  }

  @Test
  void twoByteProfileWithTheOptionalClockOffset() {
    ByteBuffer e = ByteBuffer.allocate(20);
    e.put((byte) 5).put((byte) 16).putLong(NTP).putLong(42L); // id 5, 16 bytes (capture time + offset)
    byte[] p = packet(0x1000, e.array());
    assertThat(AbsCaptureTime.read(p, p.length, 5)).isEqualTo(NTP);
  }

  @Test
  void noExtensionOrTruncatedBlock() {
    byte[] plain = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9};
    assertThat(AbsCaptureTime.read(plain, plain.length, 2)).isEqualTo(AbsCaptureTime.NONE);
    byte[] p = packet(0xBEDE, new byte[] {0x27, 1, 2});
    assertThat(AbsCaptureTime.read(p, p.length, 2)).isEqualTo(AbsCaptureTime.NONE);
  }
}
