package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16P;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.egressjava.core.plan.MediaCodec;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * AAC, Opus or MP3 encoder fed with interleaved signed 16-bit stereo PCM at 48 kHz (what the room
 * mixer and the browser capture produce). Resamples to the codec's format and rate (AAC/MP3 at the
 * plan's frequency, Opus always 48 kHz) and cuts the codec's frame size through a FIFO.
 */
public final class AudioEncoder implements AutoCloseable {
  public static final int INPUT_RATE = 48_000;
  public static final int INPUT_CHANNELS = 2;

  private final AVCodecContext context;
  private final SwrContext resampler;
  private final AVAudioFifo fifo;
  private final AVFrame input;
  private final AVFrame converted;
  private final AVFrame frame;
  private final AVPacket packet;
  private final int frameSize;
  private long nextPts;

  public AudioEncoder(MediaCodec codec, int bitrateKbps, int sampleRate, boolean globalHeader) {
    Ffmpeg.load();
    String name = switch (codec) {
      case AAC -> "aac";
      case OPUS -> "libopus";
      case MP3 -> "libmp3lame";
      default -> throw new IllegalArgumentException("not an audio encoder: " + codec);
    };
    int rate = codec == MediaCodec.OPUS ? 48_000 : sampleRate;
    int sampleFormat = switch (codec) {
      case AAC -> AV_SAMPLE_FMT_FLTP;
      case OPUS -> AV_SAMPLE_FMT_S16;
      default -> AV_SAMPLE_FMT_S16P;
    };
    AVCodec encoder = avcodec_find_encoder_by_name(name);
    if (encoder == null) {
      throw new MediaException("no " + name + " encoder in this FFmpeg build");
    }
    context = avcodec_alloc_context3(encoder);
    context.sample_fmt(sampleFormat);
    context.sample_rate(rate);
    av_channel_layout_default(context.ch_layout(), INPUT_CHANNELS);
    context.bit_rate(bitrateKbps * 1000L);
    context.time_base(av_make_q(1, rate));
    if (globalHeader) {
      context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    try {
      Ffmpeg.countCodecOpen();
      Ffmpeg.check(avcodec_open2(context, encoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(" + name + ")");
    } catch (MediaException e) {
      avcodec_free_context(context);
      throw e;
    }
    frameSize = context.frame_size() > 0 ? context.frame_size() : 960;

    AVChannelLayout inLayout = new AVChannelLayout();
    av_channel_layout_default(inLayout, INPUT_CHANNELS);
    SwrContext swr = new SwrContext(null);
    Ffmpeg.check(swr_alloc_set_opts2(swr, context.ch_layout(), sampleFormat, rate, inLayout, AV_SAMPLE_FMT_S16, INPUT_RATE, 0, null),
        "swr_alloc_set_opts2");
    Ffmpeg.check(swr_init(swr), "swr_init");
    resampler = swr;
    fifo = av_audio_fifo_alloc(sampleFormat, INPUT_CHANNELS, frameSize * 4);
    input = av_frame_alloc();
    input.format(AV_SAMPLE_FMT_S16);
    input.sample_rate(INPUT_RATE);
    av_channel_layout_default(input.ch_layout(), INPUT_CHANNELS);
    converted = av_frame_alloc();
    frame = av_frame_alloc();
    frame.nb_samples(frameSize);
    frame.format(sampleFormat);
    frame.sample_rate(rate);
    Ffmpeg.check(av_channel_layout_copy(frame.ch_layout(), context.ch_layout()), "av_channel_layout_copy");
    Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
    packet = av_packet_alloc();
  }

  AVCodecContext context() {
    return context;
  }

  /** Adds interleaved s16le stereo 48 kHz samples; encodes every full codec frame. */
  public void encode(byte[] pcm, int length, Consumer<AVPacket> out) {
    int inSamples = length / (2 * INPUT_CHANNELS);
    input.nb_samples(inSamples);
    Ffmpeg.check(av_frame_get_buffer(input, 0), "av_frame_get_buffer(input)");
    converted.format(context.sample_fmt());
    converted.sample_rate(context.sample_rate());
    Ffmpeg.check(av_channel_layout_copy(converted.ch_layout(), context.ch_layout()), "av_channel_layout_copy");
    try {
      input.data(0).put(pcm, 0, length);
      Ffmpeg.check(swr_convert_frame(resampler, converted, input), "swr_convert_frame");
      Ffmpeg.check(av_audio_fifo_write(fifo, converted.data(), converted.nb_samples()), "av_audio_fifo_write");
    } finally {
      av_frame_unref(converted);
      av_frame_unref(input);
      input.format(AV_SAMPLE_FMT_S16);
      input.sample_rate(INPUT_RATE);
      av_channel_layout_default(input.ch_layout(), INPUT_CHANNELS);
    }
    while (av_audio_fifo_size(fifo) >= frameSize) {
      sendFrame(frameSize, out);
    }
  }

  private void sendFrame(int samples, Consumer<AVPacket> out) {
    Ffmpeg.check(av_frame_make_writable(frame), "av_frame_make_writable");
    frame.nb_samples(samples);
    Ffmpeg.check(av_audio_fifo_read(fifo, frame.data(), samples), "av_audio_fifo_read");
    frame.pts(nextPts);
    nextPts += samples;
    Ffmpeg.check(avcodec_send_frame(context, frame), "avcodec_send_frame");
    drain(out);
  }

  /** Encodes what is left (a last partial frame), then flushes the encoder. */
  public void flush(Consumer<AVPacket> out) {
    int left = av_audio_fifo_size(fifo);
    if (left > 0) {
      sendFrame(left, out);
    }
    Ffmpeg.check(avcodec_send_frame(context, null), "avcodec_send_frame(flush)");
    drain(out);
  }

  private void drain(Consumer<AVPacket> out) {
    Packets.drainEncoder(context, packet, out);
  }

  @Override
  public void close() {
    av_packet_free(packet);
    av_frame_free(frame);
    av_frame_free(converted);
    av_frame_free(input);
    av_audio_fifo_free(fifo);
    swr_free(resampler);
    avcodec_free_context(context);
  }

  /** What it encodes, for a pipeline dump: codec, rate, channels, bitrate. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%s %d Hz %d ch %d kbps", context.codec().name().getString(), context.sample_rate(),
        context.ch_layout().nb_channels(), context.bit_rate() / 1000);
  }
}
