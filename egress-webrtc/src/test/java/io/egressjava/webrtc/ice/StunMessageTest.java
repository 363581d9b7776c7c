package io.egressjava.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class StunMessageTest {
  private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

  @Test
  void aCheckRoundTripsWithIntegrityAndFingerprint() {
    byte[] tx = StunMessage.newTransactionId();
    byte[] wire = new StunMessage.Builder(StunMessage.BINDING_REQUEST, tx).username("remote:local").priority(0x6E7F1EFFL)
        .role(true, 0x932FF9B151263B36L).useCandidate().build(PASSWORD);
    assertThat(StunMessage.isStun(wire, wire.length)).isTrue();
    StunMessage m = StunMessage.parse(wire, wire.length);
    assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
    assertThat(m.transactionId()).containsExactly(tx);
    assertThat(m.username()).isEqualTo("remote:local");
    assertThat(m.priority()).isEqualTo(0x6E7F1EFFL);
    assertThat(m.controlling()).isTrue();
    assertThat(m.useCandidate()).isTrue();
    assertThat(m.verify(PASSWORD)).isTrue();
    assertThat(m.verify("another password")).isFalse();
  }

  @Test
  void anyChangedByteFailsTheCheck() {
    byte[] wire = new StunMessage.Builder(StunMessage.BINDING_REQUEST, StunMessage.newTransactionId())
        .username("a:b").build(PASSWORD);
    for (int i = 20; i < wire.length - 8; i++) { // every attribute byte before FINGERPRINT
      byte[] tampered = wire.clone();
      tampered[i] ^= 0x01;
      boolean accepted;
      try {
        accepted = StunMessage.parse(tampered, tampered.length).verify(PASSWORD);
      } catch (IllegalArgumentException malformed) {
        accepted = false; // a damaged attribute length: rejected before the integrity check
      }
      assertThat(accepted).as("byte %d", i).isFalse();
    }
  }

  @Test
  void fingerprintIsTheCrcOfTheMessageXoredWithTheStunConstant() {
    byte[] wire = new StunMessage.Builder(StunMessage.BINDING_SUCCESS, StunMessage.newTransactionId()).build(null);
    CRC32 crc = new CRC32();
    crc.update(wire, 0, wire.length - 8);
    long expected = (crc.getValue() ^ 0x5354554eL) & 0xFFFFFFFFL;
    long actual = ((wire[wire.length - 4] & 0xFFL) << 24) | ((wire[wire.length - 3] & 0xFF) << 16)
        | ((wire[wire.length - 2] & 0xFF) << 8) | (wire[wire.length - 1] & 0xFF);
    assertThat(actual).isEqualTo(expected);
    assertThat((wire[2] << 8 | wire[3]) & 0xFFFF).as("length counts the fingerprint").isEqualTo(wire.length - 20);
  }

  @Test
  void xorMappedAddressRoundTripsForIpv4AndIpv6() throws Exception {
    for (String ip : new String[] {"10.99.0.1", "2001:db8::1"}) {
      InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(ip), 50_123);
      byte[] wire = new StunMessage.Builder(StunMessage.BINDING_SUCCESS, StunMessage.newTransactionId())
          .xorMappedAddress(a).build(PASSWORD);
      assertThat(StunMessage.parse(wire, wire.length).xorMappedAddress()).isEqualTo(a);
    }
  }

  @Test
  void errorCodeAndNonStun() {
    byte[] wire = new StunMessage.Builder(StunMessage.BINDING_ERROR, StunMessage.newTransactionId())
        .errorCode(487, "Role Conflict").build(null);
    assertThat(StunMessage.parse(wire, wire.length).errorCode()).isEqualTo(487);
    byte[] rtp = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(StunMessage.isStun(rtp, rtp.length)).isFalse();
  }
}
