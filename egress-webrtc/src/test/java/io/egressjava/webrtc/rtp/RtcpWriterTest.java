package io.egressjava.webrtc.rtp;

import static io.egressjava.webrtc.rtp.RtcpParserTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RtcpWriterTest {

  @Test
  void receiverReportLayout() {
    ReportBlock block = new ReportBlock(0xAABBCCDDL, 7, 3, 0x00010005L, 0x20, 0x12345678L, 0x18000);
    assertThat(RtcpWriter.receiverReport(0x01020304L, List.of(block))).containsExactly(bytes(
        0x81, 0xC9, 0x00, 0x07, // V=2 RC=1 PT=201, 8 words
        0x01, 0x02, 0x03, 0x04, // sender SSRC
        0xAA, 0xBB, 0xCC, 0xDD, // source
        0x07, 0x00, 0x00, 0x03, // fraction lost 7, cumulative 3
        0x00, 0x01, 0x00, 0x05, // one wrap, highest 5
        0x00, 0x00, 0x00, 0x20, // jitter
        0x12, 0x34, 0x56, 0x78, // LSR
        0x00, 0x01, 0x80, 0x00)); // DLSR 1.5 s
    assertThat(RtcpWriter.receiverReport(0x01020304L, List.of()))
        .containsExactly(bytes(0x80, 0xC9, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04));
  }

  @Test
  void cumulativeLostIsSigned24BitsAndClamped() {
    byte[] negative = RtcpWriter.receiverReport(1, List.of(new ReportBlock(2, 0, -1, 0, 0, 0, 0)));
    assertThat(negative).startsWith(bytes(0x81, 0xC9, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0xFF, 0xFF, 0xFF));
    byte[] huge = RtcpWriter.receiverReport(1, List.of(new ReportBlock(2, 255, 1 << 24, 0, 0, 0, 0)));
    assertThat(huge[12] & 0xFF).isEqualTo(255);
    assertThat(List.of(huge[13], huge[14], huge[15])).containsExactly((byte) 0x7F, (byte) 0xFF, (byte) 0xFF);
    byte[] veryNegative = RtcpWriter.receiverReport(1, List.of(new ReportBlock(2, 0, -(1 << 24), 0, 0, 0, 0)));
    assertThat(List.of(veryNegative[13], veryNegative[14], veryNegative[15]))
        .containsExactly((byte) 0x80, (byte) 0x00, (byte) 0x00);
  }

  @Test
  void atMost31ReportBlocks() {
    List<ReportBlock> blocks = Collections.nCopies(31, new ReportBlock(1, 0, 0, 0, 0, 0, 0));
    byte[] rr = RtcpWriter.receiverReport(9, blocks);
    assertThat(rr).hasSize(8 + 31 * 24);
    assertThat(rr[0] & 0xFF).isEqualTo(0x80 | 31);
    assertThat(((rr[2] & 0xFF) << 8) | (rr[3] & 0xFF)).isEqualTo(rr.length / 4 - 1);
    List<ReportBlock> tooMany = Collections.nCopies(32, new ReportBlock(1, 0, 0, 0, 0, 0, 0));
    assertThatThrownBy(() -> RtcpWriter.receiverReport(9, tooMany)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void genericNackPacksPidAndBitmaskAcrossTheWrap() {
    // 65534 is the PID; 65535, 0 and 1 are 1, 2 and 3 after it (bits 0–2); 17 is too far: a new PID,
    // with 33 exactly 16 after it (bit 15); 34 is 17 after 17: a third PID
    byte[] nack = RtcpWriter.nack(0x11223344L, 0x55667788L, List.of(65534, 65535, 0, 1, 17, 33, 34));
    assertThat(nack).containsExactly(bytes(
        0x81, 0xCD, 0x00, 0x05, // V=2 FMT=1 PT=205, 6 words
        0x11, 0x22, 0x33, 0x44, // sender SSRC
        0x55, 0x66, 0x77, 0x88, // media SSRC
        0xFF, 0xFE, 0x00, 0x07, // PID 65534, BLP 0b111
        0x00, 0x11, 0x80, 0x00, // PID 17, BLP bit 15
        0x00, 0x22, 0x00, 0x00)); // PID 34
    assertThat(unpackNack(nack)).containsExactly(65534, 65535, 0, 1, 17, 33, 34);
  }

  @Test
  void nackCoversEverySequenceNumberInAnyOrder() {
    assertThat(RtcpWriter.nack(1, 2, List.of(100, 100, 101))).hasSize(16); // a duplicate PID adds nothing
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      int start = random.nextInt(65536);
      List<Integer> lost = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(60); i++) {
        lost.add((start + random.nextInt(200)) & 0xFFFF);
      }
      List<Integer> sorted = new ArrayList<>(new TreeSet<>(lost));
      sorted.sort((a, b) -> RtpPacket.sequenceDelta(b, a)); // wrap-aware order around start
      for (List<Integer> order : List.of(lost, sorted)) {
        byte[] nack = RtcpWriter.nack(1, 2, order);
        assertThat(new TreeSet<>(unpackNack(nack))).isEqualTo(new TreeSet<>(lost));
      }
      // sorted input packs into the fewest entries: one per 17-wide run
      assertThat(RtcpWriter.nack(1, 2, sorted).length).isLessThanOrEqualTo(RtcpWriter.nack(1, 2, lost).length);
    }
    assertThatThrownBy(() -> RtcpWriter.nack(1, 2, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pliLayout() {
    assertThat(RtcpWriter.pli(0x01020304L, 0xA0B0C0D0L)).containsExactly(bytes(
        0x81, 0xCE, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0xA0, 0xB0, 0xC0, 0xD0));
  }

  @Test
  void sdesCnameIsNullTerminatedAndPaddedToAWord() {
    assertThat(RtcpWriter.sdesCname(0x01020304L, "abcde")).containsExactly(bytes(
        0x81, 0xCA, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x01, 0x05, 'a', 'b', 'c', 'd', 'e', 0x00));
    // 6 characters: the item list end needs a fresh word
    assertThat(RtcpWriter.sdesCname(0x01020304L, "abcdef")).containsExactly(bytes(
        0x81, 0xCA, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04, 0x01, 0x06, 'a', 'b', 'c', 'd', 'e', 'f',
        0x00, 0x00, 0x00, 0x00));
  }

  @Test
  void compoundPacketIsWalkableByLength() {
    byte[] compound = RtcpWriter.compound(
        RtcpWriter.receiverReport(1, List.of(new ReportBlock(2, 0, 0, 0, 0, 0, 0))),
        RtcpWriter.sdesCname(1, "egress-xyz"),
        RtcpWriter.nack(1, 2, List.of(10, 12)),
        RtcpWriter.pli(1, 2),
        RtcpParserTest.BYE);
    assertThat(compound).hasSize(32 + 24 + 16 + 12 + 16);
    // the parser steps over all the written packets by their length fields and reaches the BYE
    assertThat(RtcpParser.parse(compound, compound.length)).containsExactly(new RtcpRecord.Bye(List.of(0xDEADBEEFL, 7L)));
  }

  /** Decodes the FCI entries of a generic NACK back into sequence numbers (the receiving side of RFC 4585). */
  static List<Integer> unpackNack(byte[] b) {
    List<Integer> out = new ArrayList<>();
    for (int o = 12; o < b.length; o += 4) {
      int pid = ((b[o] & 0xFF) << 8) | (b[o + 1] & 0xFF);
      int blp = ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
      out.add(pid);
      for (int bit = 0; bit < 16; bit++) {
        if ((blp & (1 << bit)) != 0) {
          out.add((pid + bit + 1) & 0xFFFF);
        }
      }
    }
    return out;
  }
}
