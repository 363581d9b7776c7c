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
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_config_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;

import io.egressjava.core.plan.MediaCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * Decodes audio frames (Opus, PCMU, PCMA, AAC) into s16le 48 kHz stereo interleaved PCM, the format
 * the mixer and the websocket output take.
 */
public final class AudioDecoder implements AutoCloseable {
  /** Receives decoded PCM; the array is reused after the call returns. */
  @FunctionalInterface
  public interface PcmConsumer {
    void accept(byte[] pcm, int length);
  }

  private final AVCodecContext context;
  private final AVPacket packet = av_packet_alloc();
  private final AVFrame decoded = av_frame_alloc();
  private final AVFrame converted = av_frame_alloc();
  private final SwrContext resampler = swr_alloc();
  private byte[] buffer = new byte[0];

  public AudioDecoder(MediaCodec codec, int channels) {
    Ffmpeg.load();
    String name = switch (codec) {
      case OPUS -> "opus";
      case PCMU -> "pcm_mulaw";
      case PCMA -> "pcm_alaw";
      case AAC -> "aac";
      default -> throw new IllegalArgumentException("not an audio codec: " + codec);
    };
    var decoder = avcodec_find_decoder_by_name(name);
    context = avcodec_alloc_context3(decoder);
    context.sample_rate(codec == MediaCodec.PCMU || codec == MediaCodec.PCMA ? 8000 : 48_000);
    av_channel_layout_default(context.ch_layout(), channels);
    Ffmpeg.countCodecOpen();
    Ffmpeg.check(avcodec_open2(context, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(" + name + ")");
  }

  public void decode(byte[] data, PcmConsumer out) {
    Packets.fill(packet, data);
    try {
      if (avcodec_send_packet(context, packet) < 0) {
        return; // a corrupt frame is skipped (the mixer fills its time with silence)
      }
    } finally {
      av_packet_unref(packet);
    }
    while (avcodec_receive_frame(context, decoded) >= 0) {
      try {
        converted.format(AV_SAMPLE_FMT_S16);
        converted.sample_rate(AudioEncoder.INPUT_RATE);
        av_channel_layout_default(converted.ch_layout(), AudioEncoder.INPUT_CHANNELS);
        if (swr_convert_frame(resampler, converted, decoded) < 0) {
          Ffmpeg.check(swr_config_frame(resampler, converted, decoded), "swr_config_frame");
          Ffmpeg.check(swr_convert_frame(resampler, converted, decoded), "swr_convert_frame");
        }
        int length = converted.nb_samples() * 4;
        if (buffer.length < length) {
          buffer = new byte[length];
        }
        converted.data(0).get(buffer, 0, length);
        out.accept(buffer, length);
      } finally {
        av_frame_unref(converted);
        av_frame_unref(decoded);
      }
    }
  }

  @Override
  public void close() {
    swr_free(resampler);
    av_frame_free(converted);
    av_frame_free(decoded);
    av_packet_free(packet);
    avcodec_free_context(context);
  }
}
