package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

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

  /** Copies an application's I420 arrays into {@code frame} (I420 of the same size). */
  static void copy(Picture.I420 p, AVFrame frame) {
    Ffmpeg.check(av_frame_make_writable(frame), "av_frame_make_writable");
    int cw = (p.width() + 1) / 2;
    int ch = (p.height() + 1) / 2;
    copyPlane(frame, 0, p.y(), p.width(), p.height());
    copyPlane(frame, 1, p.u(), cw, ch);
    copyPlane(frame, 2, p.v(), cw, ch);
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
