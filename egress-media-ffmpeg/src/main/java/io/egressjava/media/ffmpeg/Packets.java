package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_from_data;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/** Packet plumbing shared by encoders, decoders and the passthrough muxer. */
final class Packets {
  /** FFmpeg wants this many zero bytes after packet data (AV_INPUT_BUFFER_PADDING_SIZE). */
  static final int PADDING = 64;

  private Packets() {}

  /** Fills {@code packet} with a copy of {@code data} in FFmpeg-owned, padded memory (freed by unref). */
  static void fill(AVPacket packet, byte[] data) {
    BytePointer buf = new BytePointer(av_malloc(data.length + PADDING)).capacity(data.length + PADDING);
    buf.put(data, 0, data.length);
    buf.position(data.length).limit(data.length + PADDING).fill(0);
    buf.position(0);
    Ffmpeg.check(av_packet_from_data(packet, buf, data.length), "av_packet_from_data");
  }

  /** Hands every packet the encoder has ready to {@code out}, then unrefs it. */
  static void drainEncoder(AVCodecContext encoder, AVPacket packet, Consumer<AVPacket> out) {
    while (true) {
      int ret = avcodec_receive_packet(encoder, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
        return;
      }
      Ffmpeg.check(ret, "avcodec_receive_packet");
      try {
        out.accept(packet);
      } finally {
        av_packet_unref(packet);
      }
    }
  }
}
