package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Writes JPEG stills of I420 frames at the image output's size (scaled with swscale). Each image is
 * written to a temporary name and renamed, so a reader never sees half a file (NONE_OVERWRITE
 * rewrites the same name).
 */
public final class JpegWriter implements AutoCloseable {
  private final AVCodecContext context;
  private final AVFrame scaled;
  private final AVPacket packet;
  private final int width;
  private final int height;
  private SwsContext scaler;
  private int sourceWidth;
  private int sourceHeight;

  public JpegWriter(int width, int height) {
    Ffmpeg.load();
    this.width = width;
    this.height = height;
    var codec = avcodec_find_encoder_by_name("mjpeg");
    context = avcodec_alloc_context3(codec);
    context.width(width);
    context.height(height);
    context.pix_fmt(AV_PIX_FMT_YUVJ420P);
    context.time_base(av_make_q(1, 25));
    context.qmin(2);
    context.qmax(5);
    Ffmpeg.countCodecOpen();
    Ffmpeg.check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(mjpeg)");
    scaled = av_frame_alloc();
    scaled.format(AV_PIX_FMT_YUVJ420P);
    scaled.width(width);
    scaled.height(height);
    Ffmpeg.check(av_frame_get_buffer(scaled, 0), "av_frame_get_buffer");
    packet = av_packet_alloc();
  }

  /** Encodes {@code frame} (I420, any size) as a JPEG file at {@code target}; returns its size in bytes. */
  public long write(AVFrame frame, Path target) {
    byte[] jpeg = encode(frame);
    try {
      Path partial = target.resolveSibling(target.getFileName() + ".part");
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.write(partial, jpeg);
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return jpeg.length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes {@code frame} (I420, any size) as JPEG at this writer's size. */
  public byte[] encode(AVFrame frame) {
    if (scaler == null || frame.width() != sourceWidth || frame.height() != sourceHeight) {
      if (scaler != null) {
        sws_freeContext(scaler);
      }
      sourceWidth = frame.width();
      sourceHeight = frame.height();
      scaler = sws_getContext(sourceWidth, sourceHeight, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_YUVJ420P,
          SWS_BICUBIC, null, null, (DoublePointer) null);
    }
    sws_scale(scaler, frame.data(), frame.linesize(), 0, sourceHeight, scaled.data(), scaled.linesize());
    Ffmpeg.check(avcodec_send_frame(context, scaled), "avcodec_send_frame(mjpeg)");
    Ffmpeg.check(avcodec_receive_packet(context, packet), "avcodec_receive_packet(mjpeg)");
    try {
      byte[] jpeg = new byte[packet.size()];
      packet.data().get(jpeg);
      return jpeg;
    } finally {
      av_packet_unref(packet);
    }
  }

  @Override
  public void close() {
    if (scaler != null) {
      sws_freeContext(scaler);
    }
    av_packet_free(packet);
    av_frame_free(scaled);
    avcodec_free_context(context);
  }
}
