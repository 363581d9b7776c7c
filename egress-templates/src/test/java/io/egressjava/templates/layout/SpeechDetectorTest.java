package io.egressjava.templates.layout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpeechDetectorTest {
  private static final long MS = 1_000_000L;

  private static byte[] tone(double amplitude, int samples) {
    byte[] pcm = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      short s = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
      pcm[2 * i] = (byte) s;
      pcm[2 * i + 1] = (byte) (s >> 8);
    }
    return pcm;
  }

  @Test
  void rmsOfASineIsItsAmplitudeOverRootTwo() {
    byte[] pcm = tone(0.5, 4800);
    assertThat(SpeechDetector.rms(pcm, pcm.length)).isCloseTo(0.5 / Math.sqrt(2), org.assertj.core.api.Assertions.within(0.002));
    assertThat(SpeechDetector.rms(new byte[1920], 1920)).isZero();
  }

  @Test
  void aTurnIsSeenWithinAPacketAndTheOneWhoStoppedLeavesAfterTheHang() {
    SpeechDetector d = new SpeechDetector();
    long t = 0;
    for (; t < 2000 * MS; t += 20 * MS) { // alice talks, bob's microphone hisses
      d.heard("alice", 0.2, t);
      d.heard("bob", 0.001, t);
    }
    assertThat(d.speakers(t)).containsExactly("alice");
    d.heard("alice", 0.0005, t); // the turn: alice stops, bob starts in the same 20 ms
    d.heard("bob", 0.1, t);
    assertThat(d.speakers(t)).as("bob at once, alice still within her hang").containsExactly("alice", "bob");
    long turn = t;
    for (t += 20 * MS; t < turn + 120 * MS; t += 20 * MS) {
      d.heard("alice", 0.0005, t);
      d.heard("bob", 0.1, t);
    }
    assertThat(d.speakers(t)).as("alice's level has decayed below bob's").startsWith("bob");
    for (; t <= turn + SpeechDetector.HANG_NANOS + 20 * MS; t += 20 * MS) {
      d.heard("alice", 0.0005, t);
      d.heard("bob", 0.1, t);
    }
    assertThat(d.speakers(t)).containsExactly("bob");
  }

  @Test
  void withTheFollowerTheTurnTakesTheHold() {
    SpeechDetector d = new SpeechDetector();
    SpeakerFollower f = new SpeakerFollower();
    long t = 0;
    for (; t < 1000 * MS; t += 20 * MS) {
      d.heard("alice", 0.2, t);
      f.update(d.speakers(t), t);
    }
    assertThat(f.at(t)).isEqualTo("alice");
    long turn = t;
    String shown = "alice";
    long changedAt = -1;
    for (; t < turn + 1000 * MS && changedAt < 0; t += 20 * MS) {
      d.heard("alice", 0, t);
      d.heard("bob", 0.2, t);
      shown = f.update(d.speakers(t), t);
      if (shown.equals("bob")) {
        changedAt = t;
      }
    }
    assertThat(shown).isEqualTo("bob");
    assertThat((changedAt - turn) / 1e6).as("ms from the turn to bob shown").isLessThanOrEqualTo(300);
  }
}
