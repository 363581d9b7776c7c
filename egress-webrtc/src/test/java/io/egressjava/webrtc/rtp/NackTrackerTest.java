package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NackTrackerTest {
  private static final long MS = 1_000_000;
  private static final long US = 1_000;

  @Test
  void requestsFollowTheBackoffScheduleThenGiveUp() {
    NackTracker n = new NackTracker();
    n.onPacket(1, 0);
    n.onPacket(2, 0);
    n.onPacket(5, 0); // 3 and 4 missing, noticed at t=0
    assertThat(n.pending()).isEqualTo(2);
    // first after 20 ms, then 105, 131.25, 164.0625 and 205.078125 ms apart (105 ms × 1.25^k): no
    // repeat inside the 100 ms in which LiveKit ignores one
    long[] sendAt = {20 * MS, 125 * MS, 256_250_000, 420_312_500, 625_390_625};
    long previous = 0;
    for (long at : sendAt) {
      assertThat(n.due(at - 1)).as("just before %d ns", at).isEmpty();
      assertThat(n.due(at)).as("at %d ns", at).containsExactly(3, 4);
      assertThat(at - previous).isGreaterThanOrEqualTo(20 * MS);
      previous = at;
    }
    assertThat(n.requested()).isEqualTo(10);
    // after the fifth request, one more interval (256.35 ms) for the answer, then give up
    assertThat(n.due(881_738_280)).isEmpty();
    assertThat(n.pending()).isEqualTo(2);
    assertThat(n.due(881_738_281)).isEmpty();
    assertThat(n.pending()).isZero();
    assertThat(n.gaveUp()).isEqualTo(2);
    assertThat(n.recovered()).isZero();
  }

  @Test
  void aReorderedPacketIsNeverRequestedAndARetransmittedOneIsRecovered() {
    NackTracker n = new NackTracker();
    n.onPacket(10, 0);
    n.onPacket(13, 0); // 11, 12 missing
    n.onPacket(11, 5 * MS); // merely reordered: arrives before the first request
    assertThat(n.due(20 * MS)).containsExactly(12);
    n.onPacket(12, 50 * MS); // the retransmission
    assertThat(n.due(1000 * MS)).isEmpty();
    assertThat(n.pending()).isZero();
    assertThat(n.requested()).isEqualTo(1);
    assertThat(n.recovered()).isEqualTo(1);
    assertThat(n.gaveUp()).isZero();
    n.onPacket(12, 60 * MS); // a duplicate changes nothing
    assertThat(n.recovered()).isEqualTo(1);
  }

  @Test
  void gapsAcrossTheWrapAreListedInSequenceOrder() {
    NackTracker n = new NackTracker();
    n.onPacket(65533, 0);
    n.onPacket(65534, 0);
    n.onPacket(1, 1 * MS); // 65535 and 0 missing
    n.onPacket(3, 2 * MS); // 2 missing
    assertThat(n.due(22 * MS)).containsExactly(65535, 0, 2);
    byte[] nack = RtcpWriter.nack(1, 2, n.due(127 * MS));
    assertThat(nack).hasSize(16); // one FCI entry: PID 65535 with bits for 0 and 2
    assertThat(RtcpWriterTest.unpackNack(nack)).containsExactly(65535, 0, 2);
  }

  @Test
  void aHugeJumpResetsInsteadOfFlooding() {
    int max = NackTracker.MAX_TRACKED;
    NackTracker n = new NackTracker();
    n.onPacket(10, 0);
    n.onPacket(12, 0); // 11 missing
    n.onPacket(12 + max + 2, 0); // max + 1 missing: more than can be tracked
    assertThat(n.pending()).isZero();
    assertThat(n.gaveUp()).isEqualTo(1); // 11 dropped by the reset
    assertThat(n.due(1000 * MS)).isEmpty();
    n.onPacket(12 + max + 3, 1000 * MS);
    n.onPacket(12 + max + 5, 1000 * MS); // tracking resumes from the new position
    assertThat(n.due(1020 * MS)).containsExactly(12 + max + 4);

    NackTracker exactly = new NackTracker();
    exactly.onPacket(10, 0);
    exactly.onPacket(10 + max + 1, 0); // max missing: all tracked (a lost burst of a whole key frame)
    assertThat(exactly.pending()).isEqualTo(max);
    assertThat(exactly.due(20 * MS)).hasSize(max).startsWith(11).endsWith(10 + max);
  }

  @Test
  void atMostMaxTrackedTheOldestEvictedFirst() {
    int max = NackTracker.MAX_TRACKED;
    NackTracker n = new NackTracker();
    n.onPacket(0, 0);
    for (int seq = 2; seq <= 2 * (max + 1); seq += 2) { // every odd number lost: max + 1 gaps
      n.onPacket(seq, 0);
    }
    assertThat(n.pending()).isEqualTo(max);
    assertThat(n.gaveUp()).isEqualTo(1);
    List<Integer> due = n.due(20 * MS);
    assertThat(due).hasSize(max).startsWith(3, 5).endsWith(2 * max + 1);
  }

  @Test
  void aKnownRttSpacesTheRepeats() {
    NackTracker n = new NackTracker();
    n.setRtt(200 * MS);
    n.onPacket(1, 0);
    n.onPacket(3, 0);
    // the first request still goes after 20 ms; then 200, 250, 312.5, 390.625 ms apart
    long[] sendAt = {20 * MS, 220 * MS, 470 * MS, 782 * MS + 500 * US, 1173 * MS + 125 * US};
    for (long at : sendAt) {
      assertThat(n.due(at - 1)).isEmpty();
      assertThat(n.due(at)).containsExactly(2);
    }
    // 200 × 1.25^4 = 488 ms is capped at 400 ms
    assertThat(n.due(1573 * MS + 124 * US)).isEmpty();
    assertThat(n.pending()).isEqualTo(1);
    assertThat(n.due(1573 * MS + 125 * US)).isEmpty();
    assertThat(n.gaveUp()).isEqualTo(1);
  }

  @Test
  void aSenderRestartingLowerIsFollowedAfterTwoPackets() {
    NackTracker n = new NackTracker();
    n.onPacket(50000, 0);
    n.onPacket(50002, 0); // 50001 missing
    n.onPacket(40000, 1 * MS); // 10002 behind: a stray, ignored
    assertThat(n.pending()).isEqualTo(1);
    n.onPacket(40001, 2 * MS); // follows on: the numbering restarted
    assertThat(n.pending()).isZero();
    n.onPacket(40003, 3 * MS);
    assertThat(n.due(30 * MS)).containsExactly(40002);
  }
}
