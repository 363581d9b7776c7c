package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.MediaCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * What a track egress written as received puts in a paused span in gap mode, so the file keeps
 * wall-clock time with nothing of the pause in it: Opus silence, and black VP8 key frames (each
 * decodes alone). Other codecs get no frames there (a gap in the timestamps: players hold the last).
 */
public final class GapFrames {
  /** A 20 ms Opus packet of silence (CELT fullband, mono: decoders upmix it for a stereo stream). */
  private static final byte[] OPUS_SILENCE_20MS = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
  /** 20 ms at Opus's 48 kHz RTP clock. */
  public static final long OPUS_SILENCE_TICKS = 960;

  private GapFrames() {}

  /** Opus silence for one 20 ms frame. */
  public static byte[] opusSilence() {
    return OPUS_SILENCE_20MS.clone();
  }

  /** A black key frame of {@code codec} at this size, or null when there is none for the codec. */
  public static byte[] blackKeyFrame(MediaCodec codec, int width, int height) {
    if (codec != MediaCodec.VP8 || width <= 0 || height <= 0) {
      return null;
    }
    Ffmpeg.load();
    AVCodec vp8 = avcodec_find_encoder_by_name("libvpx");
    if (vp8 == null) {
      return null;
    }
    AVCodecContext context = avcodec_alloc_context3(vp8);
    AVFrame frame = VideoScaler.i420(width, height);
    AVPacket packet = av_packet_alloc();
    try {
      context.width(width);
      context.height(height);
      context.pix_fmt(AV_PIX_FMT_YUV420P);
      context.time_base(av_make_q(1, 30));
      context.bit_rate(200_000);
      Ffmpeg.check(avcodec_open2(context, vp8, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(libvpx)");
      AvPicture.copy(Picture.black(width, height), frame);
      frame.pts(0);
      Ffmpeg.check(avcodec_send_frame(context, frame), "avcodec_send_frame");
      Ffmpeg.check(avcodec_send_frame(context, null), "avcodec_send_frame(flush)");
      byte[][] first = new byte[1][];
      Packets.drainEncoder(context, packet, p -> {
        if (first[0] == null) {
          first[0] = new byte[p.size()];
          p.data().get(first[0]);
        }
      });
      return first[0];
    } finally {
      av_packet_free(packet);
      av_frame_free(frame);
      avcodec_free_context(context);
    }
  }
}
