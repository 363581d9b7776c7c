package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import io.egressjava.core.media.Picture;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** An FFmpeg frame (any pixel format FFmpeg scales from) handed over as a {@link Picture}, not copied. */
public record AvPicture(AVFrame frame) implements Picture {

  public static AvPicture of(AVFrame frame) {
    return new AvPicture(frame);
  }

  @Override
  public int width() {
    return frame.width();
  }

  @Override
  public int height() {
    return frame.height();
  }

  /**
   * Runs {@code use} on the picture as an FFmpeg frame: its own for an {@link AvPicture}, a copy
   * for an application's {@link Picture.I420} (freed afterwards).
   */
  static <T> T withFrame(Picture picture, java.util.function.Function<AVFrame, T> use) {
    if (picture instanceof AvPicture av) {
      return use.apply(av.frame());
    }
    if (!(picture instanceof Picture.I420 p)) {
      throw new IllegalArgumentException("unsupported picture " + picture.getClass().getName());
    }
    Ffmpeg.load();
    AVFrame frame = av_frame_alloc();
    try {
      frame.format(AV_PIX_FMT_YUV420P);
      frame.width(p.width());
      frame.height(p.height());
      Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
      int cw = (p.width() + 1) / 2;
      int ch = (p.height() + 1) / 2;
      copyPlane(frame, 0, p.y(), p.width(), p.height());
      copyPlane(frame, 1, p.u(), cw, ch);
      copyPlane(frame, 2, p.v(), cw, ch);
      return use.apply(frame);
    } finally {
      av_frame_free(frame);
    }
  }

  private static void copyPlane(AVFrame frame, int plane, byte[] src, int rowBytes, int rows) {
    int stride = frame.linesize(plane);
    var dst = frame.data(plane);
    for (int row = 0; row < rows; row++) {
      dst.position((long) row * stride).put(src, row * rowBytes, rowBytes);
    }
    dst.position(0);
  }
}
