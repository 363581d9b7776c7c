package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ReceiveStatisticsTest {
  private static final long MS = 1_000_000;

  @Test
  void hundredPacketsWithThreeLost() {
    ReceiveStatistics s = new ReceiveStatistics(0xCAFEL, 90000);
    assertThat(s.report(0)).isNull(); // nothing heard yet
    for (int seq = 0; seq < 100; seq++) {
      if (!Set.of(10, 20, 30).contains(seq)) {
        s.onPacket(seq, seq * 3000L, seq * 33 * MS);
      }
    }
    ReportBlock r = s.report(4 * 1000 * MS);
    assertThat(s.expected()).isEqualTo(100);
    assertThat(s.received()).isEqualTo(97);
    assertThat(r.ssrc()).isEqualTo(0xCAFEL);
    assertThat(r.cumulativeLost()).isEqualTo(3);
    assertThat(r.fractionLost()).isEqualTo(3 * 256 / 100); // 7
    assertThat(r.extendedHighestSeq()).isEqualTo(99);
    assertThat(r.lastSr()).isZero();
    assertThat(r.delaySinceLastSr()).isZero();

    // next interval: 100 more, 10 of them lost → 10/100 of 256; the total grows to 13
    for (int seq = 100; seq < 200; seq++) {
      if (seq % 10 != 5) {
        s.onPacket(seq, seq * 3000L, seq * 33 * MS);
      }
    }
    r = s.report(8 * 1000 * MS);
    assertThat(r.fractionLost()).isEqualTo(25);
    assertThat(r.cumulativeLost()).isEqualTo(13);

    // next: 50 more, all there, plus a late (reordered) one from the previous interval: the
    // interval received more than it expected → fraction 0, and the total shrinks
    for (int seq = 200; seq < 250; seq++) {
      s.onPacket(seq, seq * 3000L, seq * 33 * MS);
      if (seq == 210) {
        s.onPacket(195, 195 * 3000L, seq * 33 * MS);
      }
    }
    r = s.report(10 * 1000 * MS);
    assertThat(r.fractionLost()).isZero();
    assertThat(r.cumulativeLost()).isEqualTo(12);
    assertThat(r.extendedHighestSeq()).isEqualTo(249);
  }

  @Test
  void sequenceWrapCountsACycle() {
    ReceiveStatistics s = new ReceiveStatistics(1, 48000);
    for (int i = 0; i < 16; i++) {
      if (i != 8) { // seq 2 lost
        s.onPacket((65530 + i) & 0xFFFF, i * 960L, i * 20 * MS);
      }
    }
    ReportBlock r = s.report(400 * MS);
    assertThat(r.extendedHighestSeq()).isEqualTo(65536 + 9);
    assertThat(s.expected()).isEqualTo(16);
    assertThat(r.cumulativeLost()).isEqualTo(1);
    assertThat(r.fractionLost()).isEqualTo(256 / 16);
  }

  @Test
  void aJumpCountsOnlyWhenTheNextPacketFollowsIt() {
    ReceiveStatistics s = new ReceiveStatistics(1, 90000);
    for (int seq = 0; seq < 10; seq++) {
      s.onPacket(seq, 0, seq * MS);
    }
    s.onPacket(30000, 0, 11 * MS); // a stray: ignored
    s.onPacket(10, 0, 12 * MS);
    assertThat(s.extendedHighestSequence()).isEqualTo(10);
    assertThat(s.cumulativeLost()).isZero();
    s.onPacket(40000, 0, 13 * MS); // the sender restarted its numbering: two in a row re-sync
    s.onPacket(40001, 0, 14 * MS);
    s.onPacket(40003, 0, 15 * MS);
    assertThat(s.extendedHighestSequence()).isEqualTo(40003);
    assertThat(s.expected()).isEqualTo(3); // counted from 40001
    assertThat(s.cumulativeLost()).isEqualTo(1);
  }

  @Test
  void aRetransmissionCountsHoweverLateItIs() {
    ReceiveStatistics s = new ReceiveStatistics(1, 90000);
    for (int seq = 0; seq < 300; seq++) {
      if (seq != 5) {
        s.onPacket(seq, seq * 3000L, seq * MS);
      }
    }
    // 295 behind the highest: as a plain packet that looks like a jump (RFC 3550 A.1) and is not counted
    s.onPacket(5, 5 * 3000L, 300 * MS);
    assertThat(s.cumulativeLost()).isEqualTo(1);
    double jitter = s.jitter();
    s.onRetransmission(5);
    assertThat(s.cumulativeLost()).isZero();
    assertThat(s.jitter()).isEqualTo(jitter);
  }

  @Test
  void jitterIsZeroForConstantSpacing() {
    ReceiveStatistics s = new ReceiveStatistics(1, 8000);
    for (int i = 0; i < 500; i++) {
      s.onPacket(i, 1_000_000 + i * 160L, 7 * MS + i * 20 * MS); // 20 ms of 8 kHz audio, 20 ms apart
    }
    assertThat(s.jitter()).isZero();
    assertThat(s.report(0).jitter()).isZero();
  }

  @Test
  void jitterFollowsRfc3550ForAlternatingDelays() {
    ReceiveStatistics s = new ReceiveStatistics(1, 8000);
    // every other packet 5 ms late: |D| = 5 ms = 40 timestamp units each time
    s.onPacket(0, 0, 0);
    s.onPacket(1, 160, 25 * MS);
    assertThat(s.jitter()).isEqualTo(40.0 / 16); // 2.5
    s.onPacket(2, 320, 40 * MS);
    assertThat(s.jitter()).isEqualTo(2.5 + (40 - 2.5) / 16); // 4.84375
    assertThat(s.report(40 * MS).jitter()).isEqualTo(4);
    for (int i = 3; i < 400; i++) {
      s.onPacket(i, i * 160L, i * 20 * MS + (i % 2) * 5 * MS);
    }
    assertThat(s.jitter()).isCloseTo(40, within(0.01)); // J converges to the mean |D|
  }

  @Test
  void jitterSurvivesTheTimestampWrap() {
    ReceiveStatistics s = new ReceiveStatistics(1, 90000);
    long ts = 0xFFFFFFFFL - 3000;
    for (int i = 0; i < 10; i++) {
      s.onPacket(i, (ts + i * 3000L) & 0xFFFFFFFFL, i * 100 * MS / 3);
    }
    assertThat(s.jitter()).isLessThan(1); // the wrap is not a 2^32 jump (only nanosecond rounding)
  }

  @Test
  void lastSenderReportAndDelaySinceIt() {
    ReceiveStatistics s = new ReceiveStatistics(1, 90000);
    s.onPacket(0, 0, 0);
    s.onSenderReport(0xE81234567ABCDEF0L, 1000 * MS);
    ReportBlock r = s.report(2500 * MS);
    assertThat(r.lastSr()).isEqualTo(0x34567ABCL); // middle 32 bits of the NTP timestamp
    assertThat(r.delaySinceLastSr()).isEqualTo(98304); // 1.5 s × 65536
    assertThat(s.report(1000 * MS + 1000).delaySinceLastSr()).isZero(); // 1 µs < 1/65536 s
    assertThat(s.report(1000 * MS + 15259).delaySinceLastSr()).isEqualTo(1);
  }
}
