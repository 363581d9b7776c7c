package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioTimelineTest {
  private static final int TEN_MS = 480 * 4;

  @Test
  void contiguousChunksPassUnchanged() {
    AudioTimeline t = new AudioTimeline();
    for (int i = 0; i < 100; i++) {
      assertThat(t.place(TEN_MS, i * 0.010)).isEqualTo(new AudioTimeline.Placement(0, 0, TEN_MS));
    }
    assertThat(t.seconds()).isEqualTo(1.0);
  }

  @Test
  void smallJitterIsTolerated() {
    AudioTimeline t = new AudioTimeline();
    t.place(TEN_MS, 0);
    assertThat(t.place(TEN_MS, 0.015)).isEqualTo(new AudioTimeline.Placement(0, 0, TEN_MS));
    assertThat(t.place(TEN_MS, 0.012)).isEqualTo(new AudioTimeline.Placement(0, 0, TEN_MS));
  }

  @Test
  void aGapBecomesSilence() {
    AudioTimeline t = new AudioTimeline();
    t.place(TEN_MS, 0);
    var p = t.place(TEN_MS, 0.510);
    assertThat(p.silenceSamples()).isEqualTo(24_000);
    assertThat(p.length()).isEqualTo(TEN_MS);
    assertThat(t.seconds()).isEqualTo(0.520);
    assertThat(t.silenceWritten()).isEqualTo(24_000);
    assertThat(t.dropped()).isZero();
  }

  @Test
  void overlapIsTrimmedAndFullyLateAudioDropped() {
    AudioTimeline t = new AudioTimeline();
    t.silenceOwed(1.0, 0); // a stall was filled up to 1 s
    var p = t.place(TEN_MS * 10, 0.95); // 100 ms starting 50 ms in the past
    assertThat(p).isEqualTo(new AudioTimeline.Placement(0, 2400 * 4, 2400 * 4));
    assertThat(t.place(TEN_MS, 0.5).isEmpty()).isTrue();
    assertThat(t.seconds()).isEqualTo(1.05);
    assertThat(t.silenceWritten()).isEqualTo(48_000);
    assertThat(t.dropped()).isEqualTo(2400 + 480);
  }

  @Test
  void silenceIsOwedOnlyBeyondTheMargin() {
    AudioTimeline t = new AudioTimeline();
    t.place(TEN_MS * 50, 0); // 0.5 s written
    assertThat(t.silenceOwed(0.7, 0.25)).isZero();
    assertThat(t.silenceOwed(1.25, 0.25)).isEqualTo(24_000);
    assertThat(t.seconds()).isEqualTo(1.0);
  }
}
