package io.egressjava.media.ffmpeg;

import io.egressjava.core.media.H264Parameters;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.egressjava.core.plan.Encoding;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * H.264 encoder for I420 frames, configured from the plan's {@link Encoding}: size, frame rate,
 * bitrate, key-frame interval (when set; scene cuts off then), profile; CBR-like VBV for streams.
 * Owns its codec context, frame and packet; {@link #close()} frees them.
 */
public final class VideoEncoder implements AutoCloseable {
  private final AVCodecContext context;
  private final AVFrame frame;
  private final AVPacket packet;
  private final String codecName;
  private long nextPts;
  /** H.264 with in-band headers: SPS/PPS are repeated on every key frame (see withParameterSets). */
  private boolean repeatParameterSets;
  private byte[] parameterSets;

  /** A 720p30 picture rate: one encoder thread of x264 veryfast keeps up with it with room to spare. */
  private static final long PIXELS_720P30 = 1280L * 720 * 30;
  /**
   * Frames x264 looks ahead for rate control (veryfast's own is 10). Every frame in flight holds a
   * picture with its half-pel and low-res planes, ~2 MB at 720p; 5 ahead gives the same PSNR on
   * our bench media (bench/x264-settings.sh) for ~16 MB less per 720p encoder.
   */
  static final int RC_LOOKAHEAD = 5;
  /** x264 options of the economy setting: diamond motion search, subpixel refinement 1. */
  static final String ECONOMY_PARAMS = "me=dia:subme=1";

  /** @param globalHeader true for containers that want codec headers out of band (MP4, FLV) */
  public VideoEncoder(Encoding encoding, boolean globalHeader, boolean constantBitrate) {
    this(encoding, globalHeader, constantBitrate, 0);
  }

  /**
   * @param threads encoder threads (config {@code video_encoder_threads}); 0 picks them from the
   *     picture rate, see {@link #defaultThreads}
   */
  public VideoEncoder(Encoding encoding, boolean globalHeader, boolean constantBitrate, int threads) {
    this(encoding, globalHeader, constantBitrate, threads, false);
  }

  /**
   * @param economy x264 veryfast with superfast's motion search ({@value #ECONOMY_PARAMS}): on
   *     composed pictures at 3 Mbps a third less CPU for ~0.5 dB less PSNR (bench/x264-settings.sh)
   */
  public VideoEncoder(Encoding encoding, boolean globalHeader, boolean constantBitrate, int threads, boolean economy) {
    Ffmpeg.load();
    codecName = Ffmpeg.h264Encoder();
    AVCodec codec = avcodec_find_encoder_by_name(codecName);
    if (codec == null) {
      throw new MediaException("no H.264 encoder in this FFmpeg build");
    }
    context = avcodec_alloc_context3(codec);
    context.width(encoding.width());
    context.height(encoding.height());
    context.pix_fmt(AV_PIX_FMT_YUV420P);
    context.time_base(av_make_q(1, encoding.framerate()));
    context.framerate(av_make_q(encoding.framerate(), 1));
    long bitrate = encoding.videoBitrate() * 1000L;
    context.bit_rate(bitrate);
    context.max_b_frames(0);
    context.thread_count(threads > 0 ? threads : defaultThreads(encoding, Runtime.getRuntime().availableProcessors()));
    if (encoding.keyFrameInterval() > 0) {
      int gop = (int) Math.round(encoding.keyFrameInterval() * encoding.framerate());
      context.gop_size(gop);
      context.keyint_min(gop);
    } else {
      context.gop_size(encoding.framerate() * 10);
    }
    if (constantBitrate) {
      context.rc_max_rate(bitrate);
      context.rc_min_rate(bitrate);
      context.rc_buffer_size((int) Math.min(bitrate * 2, Integer.MAX_VALUE));
    }
    if (globalHeader) {
      context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    }
    repeatParameterSets = !globalHeader;
    AVDictionary options = new AVDictionary(null);
    if (codecName.equals("libx264")) {
      av_dict_set(options, "preset", "veryfast", 0);
      av_dict_set(options, "rc-lookahead", Integer.toString(RC_LOOKAHEAD), 0);
      av_dict_set(options, "profile", encoding.videoProfile(), 0);
      String params = String.join(":", java.util.stream.Stream.of(encoding.keyFrameInterval() > 0 ? "scenecut=0" : "",
          economy ? ECONOMY_PARAMS : "").filter(p -> !p.isEmpty()).toList());
      if (!params.isEmpty()) {
        av_dict_set(options, "x264-params", params, 0);
      }
    } else {
      av_dict_set(options, "profile", encoding.videoProfile().equals("baseline") ? "constrained_baseline" : encoding.videoProfile(), 0);
      av_dict_set(options, "allow_skip_frames", "0", 0);
      av_dict_set(options, "rc_mode", "bitrate", 0);
    }
    try {
      Ffmpeg.countCodecOpen();
      Ffmpeg.check(avcodec_open2(context, codec, options), "avcodec_open2(" + codecName + ")");
    } catch (MediaException e) {
      avcodec_free_context(context);
      throw e;
    } finally {
      av_dict_free(options);
    }
    frame = av_frame_alloc();
    frame.format(AV_PIX_FMT_YUV420P);
    frame.width(encoding.width());
    frame.height(encoding.height());
    Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
    packet = av_packet_alloc();
  }

  /**
   * Threads when the config leaves it to us. x264's own choice is 1.5 per core whatever the picture,
   * and each frame thread keeps a picture in flight (~10 MB more per 720p encoder for each). We give
   * one thread per 720p30 of picture rate plus one for headroom, within x264's own ceiling.
   */
  static int defaultThreads(Encoding e, int cores) {
    long rate = (long) e.width() * e.height() * e.framerate();
    int wanted = 1 + (int) ((rate + PIXELS_720P30 - 1) / PIXELS_720P30);
    return Math.max(1, Math.min(wanted, cores * 3 / 2));
  }

  /** The encoder's time base (1/fps): packet timestamps count frames. */
  public double secondsPerTick() {
    return (double) context.time_base().num() / context.time_base().den();
  }

  /** The time of the next frame to encode, in seconds from the first. */
  public double nextFrameTime() {
    return nextPts * secondsPerTick();
  }

  /** What it encodes, for a pipeline dump: codec, size, rate, bitrate, threads. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%s %dx%d %d/%d fps %d kbps, %d threads, gop %d", codecName, context.width(),
        context.height(), context.framerate().num(), context.framerate().den(), context.bit_rate() / 1000, context.thread_count(),
        context.gop_size());
  }

  public String codecName() {
    return codecName;
  }

  AVCodecContext context() {
    return context;
  }

  /**
   * A frame to fill (planes Y, U, V with the frame's line sizes) before {@link #encode}. The encoder
   * owns it; it is valid until the next encode call.
   */
  public AVFrame writableFrame() {
    Ffmpeg.check(av_frame_make_writable(frame), "av_frame_make_writable");
    return frame;
  }

  /** Encodes the filled frame as the next frame in time; finished packets go to {@code out}. */
  public void encode(Consumer<AVPacket> out) {
    encode(false, out);
  }

  /** As {@link #encode(Consumer)}, forcing a key frame (segment boundaries) when asked. */
  public void encode(boolean keyFrame, Consumer<AVPacket> out) {
    frame.pict_type(keyFrame ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
    frame.pts(nextPts++);
    Ffmpeg.check(avcodec_send_frame(context, frame), "avcodec_send_frame");
    drain(out);
  }

  /**
   * Leaves {@code frames} slots empty before the next frame: a picture that starts late starts
   * late in the output too (an MP4 gets an edit list), rather than frozen on its first frame.
   */
  public void skip(int frames) {
    nextPts += Math.max(0, frames);
  }

  /** Flushes buffered frames at the end. */
  public void flush(Consumer<AVPacket> out) {
    Ffmpeg.check(avcodec_send_frame(context, null), "avcodec_send_frame(flush)");
    drain(out);
  }

  private void drain(Consumer<AVPacket> out) {
    Packets.drainEncoder(context, packet, p -> {
      if (p.duration() == 0) {
        p.duration(1); // one frame in the 1/fps time base, so containers know the last frame's length
      }
      if (repeatParameterSets && (p.flags() & org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY) != 0) {
        AVPacket withSets = withParameterSets(p);
        if (withSets != null) {
          try {
            out.accept(withSets);
          } finally {
            org.bytedeco.ffmpeg.global.avcodec.av_packet_free(withSets);
          }
          return;
        }
      }
      out.accept(p);
    });
  }

  /**
   * Every key frame must carry SPS/PPS in-band: outputs that join late (a stream that connects or
   * reconnects, each HLS segment) start at a later key frame, and openh264 writes the parameter sets
   * only into the first. They are remembered from the first and put in front of key frames that lack
   * them; returns null when the packet can go out as it is.
   */
  private AVPacket withParameterSets(AVPacket p) {
    byte[] data = new byte[p.size()];
    p.data().get(data);
    byte[] sets = H264Parameters.parameterSetsOrNull(data);
    if (sets != null) {
      parameterSets = sets;
      return null;
    }
    if (parameterSets == null) {
      return null;
    }
    byte[] joined = new byte[parameterSets.length + data.length];
    System.arraycopy(parameterSets, 0, joined, 0, parameterSets.length);
    System.arraycopy(data, 0, joined, parameterSets.length, data.length);
    AVPacket q = org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc();
    Packets.fill(q, joined);
    Ffmpeg.check(org.bytedeco.ffmpeg.global.avcodec.av_packet_copy_props(q, p), "av_packet_copy_props");
    return q;
  }

  @Override
  public void close() {
    av_packet_free(packet);
    av_frame_free(frame);
    avcodec_free_context(context);
  }
}
