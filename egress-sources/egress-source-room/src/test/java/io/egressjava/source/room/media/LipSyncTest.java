package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * A publisher's audio and video whose first frames arrived with different delays: the sender
 * reports put both in the publisher's time, and the audio is moved onto the video's placement.
 */
class LipSyncTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void audioIsMovedOntoTheVideosPlacement() {
    // publisher time T: video frame RTP 90000*T, audio RTP 48000*T (both start at T=0 in RTP 0)
    TrackClock video = new TrackClock(90_000);
    TrackClock audio = new TrackClock(48_000);
    long origin = 0;
    // the first video frame (T=1.0) arrives at 1.50 s, the first audio frame (T=1.0) at 1.62 s: 120 ms apart
    video.seconds(90_000, 1_500_000_000L, origin);
    audio.seconds(48_000, 1_620_000_000L, origin);
    double v = video.offsetFromSender(3.0, 270_000);
    double a = audio.offsetFromSender(3.0, 144_000);
    LipSync sync = new LipSync();
    audio.setCorrection(sync.audioCorrection(v, a, audio.correction()));
    // a frame at publisher time T=5.0 (arriving with the usual delays) lands at the same egress time for both
    double videoAt = video.seconds(450_000, 5_500_000_000L, origin);
    double audioAt = audio.seconds(240_000, 5_620_000_000L, origin);
    assertThat(audioAt).isCloseTo(videoAt, within(1e-6));
    assertThat(videoAt).isCloseTo(5.5, within(1e-6));
  }

  @Test
  void laterChangesAreFollowedInSmallSteps() {
    LipSync sync = new LipSync();
    double c = sync.audioCorrection(0.0, 0.100, 0.0);
    assertThat(c).isCloseTo(-0.100, within(1e-9)); // first alignment jumps
    c = sync.audioCorrection(0.0, 0.130, c); // 30 ms of drift later
    assertThat(c).isCloseTo(-0.110, within(1e-9)); // one 10 ms step
    c = sync.audioCorrection(0.0, 0.130, c);
    c = sync.audioCorrection(0.0, 0.130, c);
    assertThat(c).isCloseTo(-0.130, within(1e-9));
  }

  @Test
  void implausibleOffsetsChangeNothing() {
    assertThat(new LipSync().audioCorrection(0.0, 1.2, 0.02)).as("1.2 s apart: not a real A/V skew").isEqualTo(0.02);
  }

  @Test
  void eachReportCountsOnce() {
    LipSync sync = new LipSync();
    assertThat(sync.isNew(1, 2)).isTrue();
    assertThat(sync.isNew(1, 2)).isFalse();
    assertThat(sync.isNew(1, 3)).isTrue();
  }

  @Test
  void unknownOffsetsChangeNothing() {
    assertThat(new LipSync().audioCorrection(Double.NaN, 0.1, 0.02)).isEqualTo(0.02);
  }
}
