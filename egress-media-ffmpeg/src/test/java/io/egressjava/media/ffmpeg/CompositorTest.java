package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.Picture;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/** Tiles land in their boxes to the pixel: covered (cropped to fill) or fitted whole with bars. */
class CompositorTest {
  private static AVFrame flat(int w, int h, int y, int u, int v) {
    int cw = (w + 1) / 2;
    int ch = (h + 1) / 2;
    byte[] ys = new byte[w * h];
    byte[] us = new byte[cw * ch];
    byte[] vs = new byte[cw * ch];
    Arrays.fill(ys, (byte) y);
    Arrays.fill(us, (byte) u);
    Arrays.fill(vs, (byte) v);
    AVFrame f = VideoScaler.i420(w, h);
    AvPicture.copy(new Picture.I420(w, h, ys, us, vs), f);
    return f;
  }

  private static int luma(AVFrame f, int x, int y) {
    return f.data(0).get((long) y * f.linesize(0) + x) & 0xFF;
  }

  private static int v(AVFrame f, int x, int y) {
    return f.data(2).get((long) (y / 2) * f.linesize(2) + x / 2) & 0xFF;
  }

  @Test
  void tilesFillTheirBoxesExactly() {
    Ffmpeg.load();
    AVFrame red = flat(320, 240, 81, 90, 240);
    AVFrame blue = flat(640, 360, 41, 240, 110);
    try (Compositor c = new Compositor(640, 360, Compositor.black())) {
      c.clear();
      c.draw("a", red, 0, 0, 320, 360, true);
      c.draw("b", blue, 320, 0, 320, 360, true);
      AVFrame out = c.frame();
      for (int y : new int[] {0, 180, 359}) {
        assertThat(luma(out, 0, y)).isEqualTo(81);
        assertThat(luma(out, 319, y)).as("last column of the first box, row %d", y).isEqualTo(81);
        assertThat(luma(out, 320, y)).as("first column of the second").isEqualTo(41);
        assertThat(luma(out, 639, y)).isEqualTo(41);
      }
      assertThat(v(out, 100, 100)).isEqualTo(240);
      assertThat(v(out, 500, 100)).isEqualTo(110);

      // fitted whole: a 16:9 picture in a 320x360 box keeps bars above and below (320x180 in the middle)
      c.clear();
      c.draw("b", blue, 320, 0, 320, 360, false);
      assertThat(luma(out, 480, 180)).isEqualTo(41);
      assertThat(luma(out, 480, 89)).as("bar above").isEqualTo(16);
      assertThat(luma(out, 480, 90)).as("picture from row 90").isEqualTo(41);
      assertThat(luma(out, 480, 269)).isEqualTo(41);
      assertThat(luma(out, 480, 270)).as("bar below").isEqualTo(16);
      assertThat(luma(out, 100, 180)).as("no tile: background").isEqualTo(16);
    } finally {
      org.bytedeco.ffmpeg.global.avutil.av_frame_free(red);
      org.bytedeco.ffmpeg.global.avutil.av_frame_free(blue);
    }
  }

  /** Cover crops the middle: a picture with a left and a right half shows its middle in a narrow box. */
  @Test
  void coverCropsTheMiddle() {
    Ffmpeg.load();
    int w = 640;
    int h = 360;
    byte[] ys = new byte[w * h];
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        ys[row * w + col] = (byte) (col < 160 || col >= 480 ? 200 : 60); // outer quarters bright, middle dark
      }
    }
    byte[] uv = new byte[(w / 2) * (h / 2)];
    Arrays.fill(uv, (byte) 128);
    AVFrame wide = VideoScaler.i420(w, h);
    AvPicture.copy(new Picture.I420(w, h, ys, uv, uv.clone()), wide);
    try (Compositor c = new Compositor(360, 360, Compositor.black())) {
      c.clear();
      c.draw("w", wide, 0, 0, 180, 360, true); // a box of 1:2 shows the middle 180 of 640 columns: all dark
      for (int x = 2; x < 178; x += 8) {
        assertThat(luma(c.frame(), x, 180)).as("column %d", x).isEqualTo(60);
      }
      assertThat(luma(c.frame(), 200, 180)).as("outside the box").isEqualTo(16);
    } finally {
      org.bytedeco.ffmpeg.global.avutil.av_frame_free(wide);
    }
  }

  /** A layout's colours: BT.601 limited range, as FFmpeg converts RGB; a painted region and a new background. */
  @Test
  void coloursOfALayout() {
    assertThat(Compositor.yuv(0x000000)).containsExactly(16, 128, 128);
    assertThat(Compositor.yuv(0xffffff)).containsExactly(235, 128, 128);
    assertThat(Compositor.yuv(0xff0000)).containsExactly(81, 90, 240);
    try (Compositor c = new Compositor(320, 180, Compositor.black())) {
      c.clear(Compositor.yuv(0x0000ff));
      c.paint(100, 50, 40, 20, Compositor.yuv(0xffffff));
      assertThat(luma(c.frame(), 10, 10)).isEqualTo(41);
      assertThat(luma(c.frame(), 100, 50)).isEqualTo(235);
      assertThat(luma(c.frame(), 139, 69)).isEqualTo(235);
      assertThat(luma(c.frame(), 140, 69)).isEqualTo(41);
      c.paint(300, 170, 100, 100, Compositor.yuv(0xffffff)); // clipped at the picture's edge
      assertThat(luma(c.frame(), 319, 179)).isEqualTo(235);
    }
  }

  /** A participant without a picture: the tile's grey, a lighter circle in the middle, a white letter in it. */
  @Test
  void aPlaceholderDrawnWhole() {
    assertThat(PlaceholderPicture.initial("alice")).isEqualTo("A");
    assertThat(PlaceholderPicture.initial("  _émile")).isEqualTo("É");
    assertThat(PlaceholderPicture.initial("")).isEqualTo("?");
    AVFrame p = PlaceholderPicture.render("W", 320, 180, false);
    try (Compositor c = new Compositor(640, 360, Compositor.black())) {
      c.clear();
      c.draw("ph", p, 320, 0, 320, 180, false);
      assertThat(luma(c.frame(), 0, 0)).as("outside").isEqualTo(16);
      assertThat(luma(c.frame(), 324, 4)).as("the tile's #2b2b2b").isBetween(50, 54);
      assertThat(luma(c.frame(), 480 - 30, 90)).as("the circle's #555555 left of the letter").isBetween(85, 89);
      long white = 0;
      for (int y = 75; y < 105; y++) {
        for (int x = 465; x < 495; x++) {
          white += luma(c.frame(), x, y) > 200 ? 1 : 0;
        }
      }
      assertThat(white).as("the letter's white strokes in the middle").isGreaterThan(60);
    } finally {
      org.bytedeco.ffmpeg.global.avutil.av_frame_free(p);
    }
  }
}
