package io.egressjava.source.room.composite;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.plan.MediaCodec;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;

class TileStateTest {
  private static final long FRAME_NANOS = 33_333_333L;

  /**
   * While the schedule settles, the eight latest pictures wait (an older one is handed back to be
   * freed); once it settled, the composer shows the latest picture due, and a later one waits for
   * its own time.
   */
  @Test
  void picturesWaitForTheirTimeAndTheLatestDueIsShown() {
    TileState tile = new TileState("TR_V", "alice", false, 0, MediaCodec.H264);
    long t = 1_000_000_000L;
    int n = 31; // a second of pictures at 30 fps
    AVFrame[] pictures = new AVFrame[n];
    Playout.Slot[] slots = new Playout.Slot[n];
    for (int i = 0; i < n; i++) {
      pictures[i] = avutil.av_frame_alloc();
      slots[i] = tile.playout.arrived(i * 3000L, t + i * FRAME_NANOS);
      AVFrame dropped = tile.hold(pictures[i], slots[i]);
      assertThat(dropped).as("picture %d: the oldest beyond eight goes", i).isSameAs(i < 8 ? null : pictures[i - 8]);
      if (dropped != null) {
        avutil.av_frame_free(dropped);
      }
    }
    long settled = t + (long) (Playout.SETTLE_SECONDS * 1e9);
    tile.advance(settled - 1);
    assertThat(tile.latest).as("nothing before the schedule settled").isNull();
    tile.advance(settled);
    assertThat(tile.latest).as("the latest picture due once settled").isSameAs(pictures[n - 2]);
    assertThat(tile.hasPictures()).isTrue();
    tile.advance(tile.playout.showAt(slots[n - 1], settled));
    assertThat(tile.latest).as("the last, at its time").isSameAs(pictures[n - 1]);
    tile.dropPictures();
    assertThat(tile.hasPictures()).isFalse();
  }

  @Test
  void aMutedTileKeepsNoPicture() {
    TileState tile = new TileState("TR_V", "alice", false, 0, MediaCodec.H264);
    tile.muted = true;
    AVFrame picture = avutil.av_frame_alloc();
    assertThat(tile.hold(picture, tile.playout.arrived(0, 1_000_000_000L))).as("handed back to be freed").isSameAs(picture);
    assertThat(tile.hasPictures()).isFalse();
    avutil.av_frame_free(picture);
  }
}
