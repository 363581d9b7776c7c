package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.egressjava.core.media.Picture;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Fits decoded pictures of any size and pixel format into the plan's I420 output size, keeping the
 * aspect ratio: letterbox or pillarbox bars are black. The output frame is reused (owned here).
 */
public final class VideoScaler implements AutoCloseable {
  private final int width;
  private final int height;
  private final AVFrame output;
  private AVFrame held;
  /** An application's I420 picture copied into FFmpeg's memory (reused while its size holds). */
  private AVFrame copied;
  private SwsContext context;
  private int srcW;
  private int srcH;
  private int srcFormat = -1;
  private int boxX;
  private int boxY;
  private int boxW;
  private int boxH;

  public VideoScaler(int width, int height) {
    Ffmpeg.load();
    this.width = width;
    this.height = height;
    output = i420(width, height);
  }

  /** A fresh I420 frame of this size with its buffers (the caller frees it). */
  static AVFrame i420(int width, int height) {
    AVFrame f = av_frame_alloc();
    f.format(AV_PIX_FMT_YUV420P);
    f.width(width);
    f.height(height);
    Ffmpeg.check(av_frame_get_buffer(f, 0), "av_frame_get_buffer");
    return f;
  }

  /** The last fitted picture (black before the first). */
  public AVFrame output() {
    return output;
  }

  /** A copy of the last fitted picture, kept while {@link #fit} takes the next one (what is being shown). */
  public AVFrame hold() {
    if (held == null) {
      held = i420(width, height);
    }
    Ffmpeg.check(av_frame_make_writable(held), "av_frame_make_writable");
    Ffmpeg.check(org.bytedeco.ffmpeg.global.avutil.av_frame_copy(held, output), "av_frame_copy");
    return held;
  }

  /** The picture {@link #hold} kept last. */
  public AVFrame held() {
    return held;
  }

  /**
   * Scales a source's picture into the output frame and returns it (valid until the next call): an
   * FFmpeg frame as it is, an application's I420 arrays copied in first.
   */
  public AVFrame fit(Picture in) {
    if (in instanceof AvPicture av) {
      return fit(av.frame());
    }
    if (!(in instanceof Picture.I420 p)) {
      throw new IllegalArgumentException("unsupported picture " + in.getClass().getName());
    }
    if (copied == null || copied.width() != p.width() || copied.height() != p.height()) {
      if (copied != null) {
        av_frame_free(copied);
      }
      copied = i420(p.width(), p.height());
    }
    AvPicture.copy(p, copied);
    return fit(copied);
  }

  /** Scales {@code in} into the output frame and returns it (valid until the next call). */
  public AVFrame fit(AVFrame in) {
    Ffmpeg.check(av_frame_make_writable(output), "av_frame_make_writable");
    if (context == null || in.width() != srcW || in.height() != srcH || in.format() != srcFormat) {
      configure(in);
    }
    sws_scale(context, in.data(), in.linesize(), 0, srcH, planesAt(output, boxX, boxY), output.linesize());
    return output;
  }

  private void configure(AVFrame in) {
    if (context != null) {
      sws_freeContext(context);
    }
    srcW = in.width();
    srcH = in.height();
    srcFormat = in.format();
    double scale = Math.min((double) width / srcW, (double) height / srcH);
    boxW = Math.min(width, even((int) Math.round(srcW * scale)));
    boxH = Math.min(height, even((int) Math.round(srcH * scale)));
    boxX = even((width - boxW) / 2);
    boxY = even((height - boxH) / 2);
    context = sws_getContext(srcW, srcH, srcFormat, boxW, boxH, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null,
        (DoublePointer) null);
    paintBlack();
  }

  private static int even(int v) {
    return v & ~1;
  }

  /** Black in limited-range YUV: Y 16, U and V 128. */
  private void paintBlack() {
    fill(output, 0, 0, width, height, new int[] {16, 128, 128});
  }

  /** The three planes of an I420 frame from pixel x, y on (an odd one: chroma from the pixel pair's): where a picture drawn there starts. */
  static PointerPointer<?> planesAt(AVFrame f, int x, int y) {
    PointerPointer<?> planes = new PointerPointer<>(3);
    planes.put(0, f.data(0).position(0).getPointer((long) y * f.linesize(0) + x));
    planes.put(1, f.data(1).position(0).getPointer((long) (y / 2) * f.linesize(1) + x / 2));
    planes.put(2, f.data(2).position(0).getPointer((long) (y / 2) * f.linesize(2) + x / 2));
    return planes;
  }

  /** Paints the w × h rectangle at x, y of an I420 frame with limited-range Y, U, V (an odd edge: chroma to the pixel pair). */
  static void fill(AVFrame f, int x, int y, int w, int h, int[] yuv) {
    for (int plane = 0; plane < 3; plane++) {
      int px = plane == 0 ? x : x / 2;
      int py = plane == 0 ? y : y / 2;
      int pw = plane == 0 ? w : (w + 1) / 2;
      int ph = plane == 0 ? h : (h + 1) / 2;
      int stride = f.linesize(plane);
      org.bytedeco.javacpp.BytePointer data = f.data(plane);
      for (int row = 0; row < ph; row++) {
        long at = (long) (py + row) * stride + px;
        data.position(at).limit(at + pw).fill(yuv[plane]);
      }
    }
  }

  @Override
  public void close() {
    if (context != null) {
      sws_freeContext(context);
    }
    av_frame_free(output);
    if (held != null) {
      av_frame_free(held);
    }
    if (copied != null) {
      av_frame_free(copied);
    }
  }
}
