package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * One output picture made of several: each tile's latest picture scaled straight into its box of
 * an I420 canvas (no intermediate copy). {@code cover} fills the box and crops what overflows, as
 * the templates show cameras; otherwise the picture is fitted whole with background bars, as they
 * show screen shares. Not thread-safe; the canvas is reused (owned here).
 */
public final class Compositor implements AutoCloseable {
  private final int width;
  private final int height;
  private int[] background;
  private final AVFrame canvas;
  private final Map<String, Scaling> scalings = new HashMap<>();

  /** How one tile's pictures are scaled into its box, kept while the sizes stay. */
  private record Scaling(int srcW, int srcH, int format, int cropX, int cropY, int cropW, int cropH, int dstW, int dstH,
      SwsContext context) {}

  /** @param background limited-range Y, U, V of what no tile covers */
  public Compositor(int width, int height, int[] background) {
    Ffmpeg.load();
    this.width = width;
    this.height = height;
    this.background = background.clone();
    this.canvas = VideoScaler.i420(width, height);
  }

  /** Black, as the dark templates. */
  public static int[] black() {
    return new int[] {16, 128, 128};
  }

  /** The light templates' #eee. */
  public static int[] light() {
    return new int[] {221, 128, 128};
  }

  /** Limited-range (BT.601) Y, U, V of an 0xRRGGBB colour, as a layout gives its background. */
  public static int[] yuv(int rgb) {
    double r = rgb >> 16 & 0xff;
    double g = rgb >> 8 & 0xff;
    double b = rgb & 0xff;
    return new int[] {
      (int) Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
      (int) Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
      (int) Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255)
    };
  }

  /** Starts a new picture: all background. */
  public void clear() {
    Ffmpeg.check(av_frame_make_writable(canvas), "av_frame_make_writable");
    fill(0, 0, width, height);
  }

  /** Starts a new picture of {@code colour} (Y, U, V), which from now on also fills the bars of fitted pictures. */
  public void clear(int[] colour) {
    background = colour.clone();
    clear();
  }

  /** Paints a rectangle (clipped to the picture) in {@code colour} (Y, U, V). */
  public void paint(int x, int y, int w, int h, int[] colour) {
    x = Math.max(0, x);
    y = Math.max(0, y);
    w = Math.min(w, width - x);
    h = Math.min(h, height - y);
    if (w > 0 && h > 0) {
      VideoScaler.fill(canvas, x, y, w, h, colour);
    }
  }

  /** Draws {@code picture} (tile {@code key}) into the box at x, y of w × h. */
  public void draw(String key, AVFrame picture, int x, int y, int w, int h, boolean cover) {
    // to the pixel, as the page places tiles: an odd edge puts the chroma (a sample per 2x2 pixels)
    // half a pixel off, which is not seen, where rounding the box would leave a visible line
    x = Math.max(0, x);
    y = Math.max(0, y);
    w = Math.min(w, width - x);
    h = Math.min(h, height - y);
    if (w <= 1 || h <= 1) {
      return;
    }
    Scaling s = scaling(key, picture, w, h, cover);
    int dx = x + (w - s.dstW()) / 2;
    int dy = y + (h - s.dstH()) / 2;
    if (s.dstW() < w || s.dstH() < h) {
      fill(x, y, w, h); // the bars of a fitted picture
    }
    // a cropped source starts at its crop (only planar 4:2:0 is cropped, see scaling; others, such
    // as a placeholder's packed BGR, are drawn from their start)
    boolean cropped = s.cropX() != 0 || s.cropY() != 0;
    sws_scale(s.context(), cropped ? VideoScaler.planesAt(picture, s.cropX(), s.cropY()) : picture.data(), picture.linesize(), 0,
        s.cropH(),
        VideoScaler.planesAt(canvas, dx, dy), canvas.linesize());
  }

  private Scaling scaling(String key, AVFrame in, int boxW, int boxH, boolean cover) {
    int srcW = in.width();
    int srcH = in.height();
    boolean planar420 = in.format() == AV_PIX_FMT_YUV420P || in.format() == AV_PIX_FMT_YUVJ420P;
    int cropW = srcW;
    int cropH = srcH;
    int dstW = boxW;
    int dstH = boxH;
    if (cover && planar420) { // crop the source to the box's shape (offsets in whole chroma samples)
      if ((long) srcW * boxH > (long) srcH * boxW) {
        cropW = Math.min(srcW, (int) Math.round((double) srcH * boxW / boxH)) & ~1;
      } else {
        cropH = Math.min(srcH, (int) Math.round((double) srcW * boxH / boxW)) & ~1;
      }
    } else { // fit whole
      double scale = Math.min((double) boxW / srcW, (double) boxH / srcH);
      dstW = Math.max(2, Math.min(boxW, (int) Math.round(srcW * scale)));
      dstH = Math.max(2, Math.min(boxH, (int) Math.round(srcH * scale)));
    }
    int cropX = (srcW - cropW) / 2 & ~1;
    int cropY = (srcH - cropH) / 2 & ~1;
    Scaling s = scalings.get(key);
    if (s != null && s.srcW() == srcW && s.srcH() == srcH && s.format() == in.format() && s.cropW() == cropW
        && s.cropH() == cropH && s.dstW() == dstW && s.dstH() == dstH) {
      return s;
    }
    forget(key);
    // area averaging: of swscale's filters the nearest to Chrome drawing a video into a smaller box
    // (luma SSIM 0.985 against the page's tile for 320x180 -> 128x72, where bilinear gives 0.959
    // and plain bilinear sampling 0.879) and into a larger one (0.969); NativeVsChromeNetnsIT
    SwsContext context = sws_getContext(cropW, cropH, in.format(), dstW, dstH, AV_PIX_FMT_YUV420P, SWS_AREA, null, null,
        (DoublePointer) null);
    if (context == null) {
      throw new MediaException("sws_getContext " + cropW + "x" + cropH + " -> " + dstW + "x" + dstH);
    }
    s = new Scaling(srcW, srcH, in.format(), cropX, cropY, cropW, cropH, dstW, dstH, context);
    scalings.put(key, s);
    return s;
  }

  /** Frees what a tile that is gone held. */
  public void forget(String key) {
    Scaling s = scalings.remove(key);
    if (s != null) {
      sws_freeContext(s.context());
    }
  }

  /** The composed picture (valid until the next {@link #clear}). */
  public AVFrame frame() {
    return canvas;
  }

  private void fill(int x, int y, int w, int h) {
    VideoScaler.fill(canvas, x, y, w, h, background);
  }

  @Override
  public void close() {
    scalings.keySet().stream().toList().forEach(this::forget);
    av_frame_free(canvas);
  }
}
