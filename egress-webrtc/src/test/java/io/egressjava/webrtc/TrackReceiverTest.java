package io.egressjava.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.EncodedFrame;
import io.egressjava.webrtc.sdp.OfferedStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a track receiver gives up on a missing packet, with the time given (no sockets, no sleeps). */
class TrackReceiverTest {
  private static final long MS = 1_000_000L;
  private static final long SSRC = 0x1234;
  private final List<EncodedFrame> frames = new ArrayList<>();
  private final List<byte[]> rtcp = new ArrayList<>();
  private final TrackReceiver receiver = new TrackReceiver(new OfferedStreams.Stream(SSRC, "0", "audio", "TR_a", false, SSRC,
      Map.of(111, "opus"), Map.of(), 0), 1, rtcp::add, f -> frames.add(f.frame()));

  /** An Opus packet (one frame each) with this sequence number. */
  private static byte[] opus(int seq) {
    byte[] p = new byte[12 + 20];
    p[0] = (byte) 0x80;
    p[1] = 111;
    p[2] = (byte) (seq >> 8);
    p[3] = (byte) seq;
    long ts = seq * 960L;
    p[4] = (byte) (ts >> 24);
    p[5] = (byte) (ts >> 16);
    p[6] = (byte) (ts >> 8);
    p[7] = (byte) ts;
    p[8] = (byte) (SSRC >> 24);
    p[9] = (byte) (SSRC >> 16);
    p[10] = (byte) (SSRC >> 8);
    p[11] = (byte) SSRC;
    for (int i = 12; i < p.length; i++) {
      p[i] = (byte) (i * 7);
    }
    return p;
  }

  /** Packets 1 to 10 at time 0, packet 5 missing. */
  private void receiveAllButFive() {
    for (int seq = 1; seq <= 10; seq++) {
      if (seq != 5) {
        receive(seq, 0);
      }
    }
  }

  private void receive(int seq, long nanos) {
    byte[] p = opus(seq);
    receiver.onRtp(p, p.length, false, nanos);
  }

  /**
   * This process stalled for 400 ms with packet 5 still unread in its socket: the timer (which ran
   * first) may ask for it again but must not give up on it; read at last, it goes through, nothing lost.
   */
  @Test
  void aGapIsNotGivenUpWhileTheMissingPacketMayStillBeUnread() {
    receiveAllButFive();
    assertThat(frames).hasSize(4);
    receiver.tick(400 * MS);
    assertThat(receiver.lost()).isZero();
    assertThat(frames).hasSize(4);
    receive(5, 400 * MS);
    receiver.onDrained(401 * MS);
    assertThat(frames).hasSize(10);
    assertThat(receiver.lost()).isZero();
  }

  /**
   * With the socket empty and its NACKs unanswered, a packet missing for longer than the wait is
   * given up on once its last request had its chance (about 0.9 s), and the rest goes on.
   */
  @Test
  void aGapIsGivenUpWhenNothingIsLeftToReadAndItsNacksWentUnanswered() {
    receiveAllButFive();
    for (long t = 20; t <= 300; t += 20) {
      receiver.tick(t * MS);
    }
    receiver.onDrained(100 * MS);
    assertThat(frames).as("still waiting for 5 (reordered, or resent after a NACK)").hasSize(4);
    receiver.onDrained(301 * MS);
    assertThat(frames).as("past the wait, but its NACKs are still going out").hasSize(4);
    for (long t = 320; t <= 960; t += 20) { // on 20 ms ticks the fifth request goes at 680 ms, given up at 940
      receiver.tick(t * MS);
    }
    receiver.onDrained(961 * MS);
    assertThat(frames).hasSize(9);
    assertThat(receiver.lost()).isEqualTo(1);
    assertThat(receiver.nacksSent()).isEqualTo(5);
    assertThat(frames.subList(4, 9)).as("held behind the gap").allMatch(EncodedFrame::delayed);
  }

  /**
   * This process stalled 400 ms, timer included, so the NACKs for packet 5 had not gone out when the
   * wait ran out: the gap is held while they go out, and the retransmission fills it.
   */
  @Test
  void aStallThatHeldTheNacksBackDoesNotGiveTheGapUp() {
    receiveAllButFive();
    receiver.onDrained(400 * MS);
    receiver.tick(401 * MS);
    assertThat(receiver.nacksSent()).as("the first request goes out after the stall").isEqualTo(1);
    receiver.onDrained(402 * MS);
    assertThat(receiver.lost()).isZero();
    receive(5, 410 * MS); // the retransmission
    receiver.onDrained(410 * MS);
    assertThat(frames).hasSize(10);
    assertThat(receiver.lost()).isZero();
    // the network made 5 late, and 6 to 10 waited for it: a clock must not take that for the sender's
    assertThat(frames.stream().map(EncodedFrame::delayed).toList())
        .containsExactly(false, false, false, false, true, true, true, true, true, true);
    receive(11, 420 * MS);
    assertThat(frames.get(10).delayed()).as("on time again").isFalse();
  }

  /** A gap still asked for holds the rest at most four times the wait, however the NACKs go. */
  @Test
  void anAwaitedGapIsGivenUpAfterFourTimesTheWait() {
    receiveAllButFive();
    receiver.onDrained(1_199 * MS);
    assertThat(frames).as("never asked for yet: still awaited").hasSize(4);
    receiver.onDrained(1_200 * MS);
    assertThat(frames).hasSize(9);
    assertThat(receiver.lost()).isEqualTo(1);
  }
}
