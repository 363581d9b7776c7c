package io.egressjava.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
  private static final long MS = 1_000_000;

  /** A packet whose 2-byte payload holds its sequence number, behind a 12-byte header in the buffer. */
  static RtpPacket packet(int seq) {
    byte[] b = new byte[14];
    b[12] = (byte) (seq >>> 8);
    b[13] = (byte) seq;
    return new RtpPacket(96, false, seq, 1000L * seq, 0xAAAA, b, 12, 2);
  }

  static List<Integer> sequences(List<RtpPacket> packets) {
    List<Integer> out = new ArrayList<>();
    for (RtpPacket p : packets) {
      assertThat(p.payloadLength()).isEqualTo(2);
      assertThat((p.payload(0) << 8) | p.payload(1)).as("payload of %d", p.sequence()).isEqualTo(p.sequence());
      out.add(p.sequence());
    }
    return out;
  }

  @Test
  void inOrderPacketsPassStraightThrough() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    for (int seq = 100; seq < 105; seq++) {
      assertThat(r.push(packet(seq), seq * MS)).isTrue();
      assertThat(sequences(r.poll(seq * MS))).containsExactly(seq);
      assertThat(r.nextTimeoutNanos()).isEqualTo(Long.MAX_VALUE);
    }
    assertThat(r.poll(1000 * MS)).isEmpty();
  }

  @Test
  void aMissingPacketHoldsLaterOnesUntilItArrives() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    for (int seq : new int[] {1, 2, 4, 5}) {
      r.push(packet(seq), 0);
    }
    assertThat(sequences(r.poll(10 * MS))).containsExactly(1, 2);
    assertThat(r.held()).isEqualTo(2);
    r.push(packet(3), 50 * MS);
    assertThat(sequences(r.poll(50 * MS))).containsExactly(3, 4, 5);
    assertThat(r.skipped()).isZero();
    assertThat(r.held()).isZero();
  }

  @Test
  void aGapIsSkippedOnceTheHeldPacketHasWaitedLongEnough() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    r.push(packet(1), 0);
    r.push(packet(3), 10 * MS);
    assertThat(sequences(r.poll(10 * MS))).containsExactly(1);
    assertThat(r.nextTimeoutNanos()).isEqualTo(210 * MS);
    assertThat(r.poll(210 * MS - 1)).isEmpty();
    assertThat(sequences(r.poll(210 * MS))).containsExactly(3);
    assertThat(r.skipped()).isEqualTo(1);
    // 2 turns up after all: too late, the depacketizer has moved on
    assertThat(r.push(packet(2), 220 * MS)).isFalse();
    assertThat(r.late()).isEqualTo(1);
    assertThat(r.poll(220 * MS)).isEmpty();
  }

  @Test
  void noPacketIsHeldLongerThanTheMaximumWait() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    r.push(packet(1), 0);
    r.poll(0);
    r.push(packet(3), 0);
    r.push(packet(5), 150 * MS); // 2 and 4 missing
    assertThat(sequences(r.poll(200 * MS))).containsExactly(3); // 3 waited 200 ms; 5 only 50
    assertThat(r.nextTimeoutNanos()).isEqualTo(350 * MS);
    assertThat(r.poll(349 * MS)).isEmpty();
    r.push(packet(4), 300 * MS);
    assertThat(sequences(r.poll(300 * MS))).containsExactly(4, 5);
    assertThat(r.skipped()).isEqualTo(1);

    // held packets that arrived out of order: the wait runs from the earliest arrival
    ReorderBuffer o = new ReorderBuffer(200 * MS);
    o.push(packet(1), 0);
    o.poll(0);
    o.push(packet(5), 0);
    o.push(packet(3), 100 * MS);
    assertThat(sequences(o.poll(199 * MS))).isEmpty();
    assertThat(sequences(o.poll(200 * MS))).containsExactly(3, 5);
    assertThat(o.skipped()).isEqualTo(2);

    // after a gap fills, the wait of what is still held runs from its own earliest arrival
    ReorderBuffer f = new ReorderBuffer(200 * MS);
    f.push(packet(1), 0);
    f.poll(0);
    f.push(packet(6), 0);
    f.push(packet(7), 100 * MS);
    f.push(packet(3), 110 * MS);
    f.push(packet(2), 150 * MS);
    assertThat(sequences(f.poll(150 * MS))).containsExactly(2, 3);
    assertThat(f.nextTimeoutNanos()).isEqualTo(200 * MS);
    assertThat(sequences(f.poll(200 * MS))).containsExactly(6, 7);
  }

  @Test
  void duplicatesAreDropped() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    assertThat(r.push(packet(1), 0)).isTrue();
    assertThat(r.push(packet(3), 0)).isTrue();
    assertThat(r.push(packet(3), 1)).isFalse();
    assertThat(r.duplicates()).isEqualTo(1);
    r.push(packet(2), 2);
    assertThat(sequences(r.poll(2))).containsExactly(1, 2, 3);
    assertThat(r.push(packet(2), 3)).isFalse(); // already released: late rather than duplicate
    assertThat(r.late()).isEqualTo(1);
  }

  @Test
  void orderSurvivesTheSequenceWrap() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    r.push(packet(65534), 0);
    r.push(packet(0), 0);
    r.push(packet(65535), 0);
    r.push(packet(2), 0);
    r.push(packet(1), 0);
    assertThat(sequences(r.poll(0))).containsExactly(65534, 65535, 0, 1, 2);
  }

  @Test
  void beyondCapacityItSkipsForward() {
    ReorderBuffer r = new ReorderBuffer(200 * MS, 8);
    r.push(packet(0), 0);
    r.poll(0);
    for (int seq = 2; seq <= 8; seq++) { // 1 missing; 1..8 is the whole window
      r.push(packet(seq), 0);
    }
    assertThat(r.poll(0)).isEmpty();
    r.push(packet(20), 1 * MS); // the window must move to 13..20: 1 and 9..12 are given up
    assertThat(r.skipped()).isEqualTo(5);
    assertThat(sequences(r.poll(1 * MS))).containsExactly(2, 3, 4, 5, 6, 7, 8);
    for (int seq = 13; seq < 20; seq++) {
      r.push(packet(seq), 2 * MS);
    }
    assertThat(sequences(r.poll(2 * MS))).containsExactly(13, 14, 15, 16, 17, 18, 19, 20);
    assertThatThrownBy(() -> new ReorderBuffer(MS, 1000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pushCopiesSoTheCallerMayReuseItsBuffer() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    byte[] socketBuffer = new byte[14];
    socketBuffer[12] = 0;
    socketBuffer[13] = 2;
    r.push(new RtpPacket(96, false, 1, 0, 1, socketBuffer.clone(), 12, 2), 0);
    r.push(new RtpPacket(96, false, 2, 0, 1, socketBuffer, 12, 2), 0);
    java.util.Arrays.fill(socketBuffer, (byte) 0x55); // the next datagram overwrites it
    List<RtpPacket> out = r.poll(0);
    assertThat(out.get(1).payloadLength()).isEqualTo(2);
    assertThat(out.get(1).payload(0)).isZero();
    assertThat(out.get(1).payload(1)).isEqualTo(2);
  }

  @Test
  void paddingOnlyPacketsKeepTheirPlaceInTheSequence() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    r.push(packet(1), 0);
    r.push(new RtpPacket(96, false, 3, 1000, 0xAAAA, new byte[20], 12, 0), 0);
    r.push(new RtpPacket(96, false, 2, 1000, 0xAAAA, new byte[20], 12, 0), 0);
    r.push(packet(4), 0);
    List<RtpPacket> out = r.poll(0);
    assertThat(out).extracting(RtpPacket::sequence).containsExactly(1, 2, 3, 4);
    assertThat(out).extracting(RtpPacket::payloadLength).containsExactly(2, 0, 0, 2);
    assertThat(r.skipped()).isZero();
  }

  @Test
  void aSenderRestartingLowerIsFollowedAfterTwoPackets() {
    ReorderBuffer r = new ReorderBuffer(200 * MS);
    r.push(packet(40000), 0);
    r.push(packet(40002), 0); // 40001 missing
    assertThat(sequences(r.poll(0))).containsExactly(40000);
    assertThat(r.push(packet(30000), 1 * MS)).isFalse(); // 10002 behind: a stray
    assertThat(r.late()).isEqualTo(1);
    assertThat(r.push(packet(30001), 2 * MS)).isTrue(); // and the next one: the numbering restarted
    // what the old numbering left goes first, then the new stream, without waiting
    assertThat(sequences(r.poll(2 * MS))).containsExactly(40002, 30001);
    assertThat(r.skipped()).isEqualTo(1);
    r.push(packet(30002), 3 * MS);
    assertThat(sequences(r.poll(3 * MS))).containsExactly(30002);
  }
}
