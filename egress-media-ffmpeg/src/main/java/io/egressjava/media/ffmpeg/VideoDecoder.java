package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.egressjava.core.plan.MediaCodec;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** Decodes whole encoded video frames (H.264 Annex B, VP8, VP9, AV1) into raw frames for compositing. */
public final class VideoDecoder implements AutoCloseable {
  private final AVCodecContext context;
  private final AVPacket packet = av_packet_alloc();
  private final AVFrame frame = av_frame_alloc();

  public VideoDecoder(MediaCodec codec) {
    Ffmpeg.load();
    String name = switch (codec) {
      case H264 -> "h264";
      case VP8 -> "vp8";
      case VP9 -> "vp9";
      case AV1 -> "libdav1d";
      default -> throw new IllegalArgumentException("not a video codec: " + codec);
    };
    var decoder = avcodec_find_decoder_by_name(name);
    if (decoder == null && codec == MediaCodec.AV1) {
      decoder = avcodec_find_decoder_by_name("libaom-av1");
    }
    if (decoder == null) {
      throw new MediaException("no " + name + " decoder in this FFmpeg build");
    }
    context = avcodec_alloc_context3(decoder);
    context.thread_count(1); // frames in, frames out, no reordering latency from frame threads
    Ffmpeg.countCodecOpen();
    Ffmpeg.check(avcodec_open2(context, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(" + name + ")");
  }

  /** Decodes one frame; each decoded picture (owned by the decoder, valid during the call) goes to {@code out}. */
  public void decode(byte[] data, long pts, Consumer<AVFrame> out) {
    Packets.fill(packet, data);
    packet.pts(pts);
    try {
      int ret = avcodec_send_packet(context, packet);
      if (ret < 0 && ret != AVERROR_EAGAIN()) {
        return; // a corrupt frame is skipped; the next key frame recovers
      }
    } finally {
      av_packet_unref(packet);
    }
    drain(out);
  }

  public void flush(Consumer<AVFrame> out) {
    avcodec_send_packet(context, null);
    drain(out);
  }

  private void drain(Consumer<AVFrame> out) {
    while (true) {
      int ret = avcodec_receive_frame(context, frame);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF || ret < 0) {
        return;
      }
      try {
        out.accept(frame);
      } finally {
        av_frame_unref(frame);
      }
    }
  }

  @Override
  public void close() {
    av_frame_free(frame);
    av_packet_free(packet);
    avcodec_free_context(context);
  }
}
