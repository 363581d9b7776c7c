package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.webrtc.rtp.RtcpRecord.Bye;
import io.egressjava.webrtc.rtp.RtcpRecord.SenderReport;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpParserTest {

  /** SR with one report block (13 words), as Chrome sends it. */
  static final byte[] SR = bytes(
      0x81, 0xC8, 0x00, 0x0C, // V=2 RC=1 PT=200 length 12
      0xDE, 0xAD, 0xBE, 0xEF, // sender SSRC
      0xE8, 0x12, 0x34, 0x56, 0x80, 0x00, 0x00, 0x01, // NTP 0xE8123456.80000001
      0x00, 0x01, 0x5F, 0x90, // RTP timestamp 90000
      0x00, 0x00, 0x01, 0x2C, // 300 packets
      0x00, 0x04, 0x93, 0xE0, // 300000 octets
      0x11, 0x11, 0x11, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); // a report block
  static final byte[] SDES = bytes(
      0x81, 0xCA, 0x00, 0x03, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00);
  /** BYE for two sources with the reason "bye" (length byte + 3 characters). */
  static final byte[] BYE = bytes(
      0x82, 0xCB, 0x00, 0x03, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x00, 0x00, 0x07, 0x03, 'b', 'y', 'e');

  @Test
  void compoundPacketYieldsTheSenderReportAndTheByeAndSkipsSdes() {
    byte[] compound = RtcpWriter.compound(SR, SDES, BYE);
    List<RtcpRecord> records = RtcpParser.parse(compound, compound.length);
    assertThat(records).containsExactly(
        new SenderReport(0xDEADBEEFL, 0xE812345680000001L, 90000, 300, 300000),
        new Bye(List.of(0xDEADBEEFL, 7L)));
    assertThat(((SenderReport) records.get(0)).compactNtp()).isEqualTo(0x34568000L);
  }

  @Test
  void reducedSizePacketsNeedNotStartWithAReport() {
    byte[] pli = RtcpWriter.pli(1, 2);
    assertThat(RtcpParser.parse(pli, pli.length)).isEmpty();
    byte[] nackThenBye = RtcpWriter.compound(RtcpWriter.nack(1, 2, List.of(5, 6)), BYE);
    assertThat(RtcpParser.parse(nackThenBye, nackThenBye.length)).containsExactly(new Bye(List.of(0xDEADBEEFL, 7L)));
  }

  @Test
  void paddingOnTheLastPacketIsRemoved() {
    // BYE for one source, P bit set, 4 bytes of padding included in the length (2 words after the header)
    byte[] padded = bytes(0xA1, 0xCB, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x04);
    byte[] compound = RtcpWriter.compound(SR, padded);
    assertThat(RtcpParser.parse(compound, compound.length)).hasSize(2).last().isEqualTo(new Bye(List.of(9L)));
    // a padding count that exceeds the packet is garbage: stop there, keep the SR
    byte[] bad = RtcpWriter.compound(SR, bytes(0xA1, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09));
    assertThat(RtcpParser.parse(bad, bad.length)).hasSize(1).first().isInstanceOf(SenderReport.class);
  }

  @Test
  void aByeCountingMoreSourcesThanItHoldsReadsWhatIsThere() {
    byte[] bye = bytes(0x9F, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01); // SC=31 but room for one
    assertThat(RtcpParser.parse(bye, bye.length)).containsExactly(new Bye(List.of(1L)));
  }

  @Test
  void truncatedDatagramsReturnWhatParsedBeforeTheCut() {
    byte[] compound = RtcpWriter.compound(SR, BYE);
    assertThat(RtcpParser.parse(compound, compound.length - 1)).hasSize(1).first().isInstanceOf(SenderReport.class);
    assertThat(RtcpParser.parse(compound, SR.length - 1)).isEmpty();
    // an array shorter than the length argument is read only as far as it goes
    assertThat(RtcpParser.parse(Arrays.copyOf(compound, 40), compound.length)).isEmpty();
    // an SR whose length field is too short for its fixed part is skipped, the next packet still read
    byte[] shortSr = bytes(0x80, 0xC8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01);
    byte[] withShort = RtcpWriter.compound(shortSr, BYE);
    assertThat(RtcpParser.parse(withShort, withShort.length)).containsExactly(new Bye(List.of(0xDEADBEEFL, 7L)));
  }

  @Test
  void garbageNeverThrows() {
    byte[] compound = RtcpWriter.compound(SR, SDES, BYE);
    for (int n = 0; n <= compound.length; n++) {
      RtcpParser.parse(compound, n);
    }
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(80)];
      random.nextBytes(b);
      if (b.length > 0 && random.nextBoolean()) {
        b[0] = (byte) (0x80 | (b[0] & 0x3F)); // version 2, so parsing goes past the first check
      }
      if (b.length > 1 && random.nextBoolean()) {
        b[1] = (byte) (random.nextBoolean() ? 200 : 203);
      }
      RtcpParser.parse(b, b.length);
    }
    // flipping bytes of a valid compound packet
    for (int i = 0; i < 5_000; i++) {
      byte[] b = compound.clone();
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      RtcpParser.parse(b, b.length);
    }
  }

  @Test
  void tellsRtcpFromRtpOnAMuxedPort() {
    assertThat(RtcpParser.isRtcp(SR, SR.length)).isTrue();
    byte[] rr = RtcpWriter.receiverReport(1, List.of());
    assertThat(RtcpParser.isRtcp(rr, rr.length)).isTrue();
    byte[] rtp = new byte[20];
    rtp[0] = (byte) 0x80;
    rtp[1] = (byte) (0x80 | 111); // marker + Opus PT 111: 239, outside 192–223
    assertThat(RtcpParser.isRtcp(rtp, rtp.length)).isFalse();
    rtp[1] = 96;
    assertThat(RtcpParser.isRtcp(rtp, rtp.length)).isFalse();
    assertThat(RtcpParser.isRtcp(SR, 4)).isFalse();
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }
}
