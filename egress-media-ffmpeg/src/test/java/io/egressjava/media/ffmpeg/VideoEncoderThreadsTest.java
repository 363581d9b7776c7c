package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.plan.Encoding;
import org.junit.jupiter.api.Test;

class VideoEncoderThreadsTest {
  private static final Encoding P720_30 = Encoding.preset(0);

  @Test
  void autoThreadsFollowThePictureRateWithinOnePointFivePerCore() {
    assertThat(VideoEncoder.defaultThreads(P720_30, 2)).isEqualTo(2);
    assertThat(VideoEncoder.defaultThreads(Encoding.preset(3), 2)).as("1080p60 on 2 cores").isEqualTo(3);
    assertThat(VideoEncoder.defaultThreads(Encoding.preset(3), 16)).as("1080p60 = 4.5× 720p30").isEqualTo(6);
    assertThat(VideoEncoder.defaultThreads(new Encoding(640, 360, 24, 30, 1000, 0, "main", 128, 44100), 8)).isEqualTo(2);
    assertThat(VideoEncoder.defaultThreads(P720_30, 1)).as("one core").isEqualTo(1);
  }

  @Test
  void theConfiguredCountWinsOverAuto() {
    try (VideoEncoder auto = new VideoEncoder(P720_30, false, false);
        VideoEncoder three = new VideoEncoder(P720_30, false, false, 3)) {
      assertThat(auto.context().thread_count()).isEqualTo(VideoEncoder.defaultThreads(P720_30,
          Runtime.getRuntime().availableProcessors()));
      assertThat(three.context().thread_count()).isEqualTo(3);
    }
  }
}
