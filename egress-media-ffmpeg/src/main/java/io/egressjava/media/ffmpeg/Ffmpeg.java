package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacpp.Loader;

/** Loads FFmpeg once and answers what the loaded build can do. */
public final class Ffmpeg {
  static {
    Loader.load(avcodec.class);
    Loader.load(avformat.class);
    av_log_set_level(AV_LOG_ERROR);
  }

  private static final java.util.concurrent.atomic.AtomicLong CODEC_OPENS = new java.util.concurrent.atomic.AtomicLong();

  private Ffmpeg() {}

  /** Encoders and decoders opened by this process so far (passthrough paths open none). */
  public static long codecOpens() {
    return CODEC_OPENS.get();
  }

  static void countCodecOpen() {
    CODEC_OPENS.incrementAndGet();
  }

  /** Makes sure the native libraries are loaded (cheap after the first call). */
  public static void load() {
    // the static initializer does the work
  }

  public static boolean hasEncoder(String name) {
    return avcodec_find_encoder_by_name(name) != null;
  }

  /** libx264 when the GPL build is on the classpath (egress-server ships it), else openh264. */
  public static String h264Encoder() {
    return hasEncoder("libx264") ? "libx264" : "libopenh264";
  }

  /** The ffmpeg/ffprobe executables bundled with the same FFmpeg build. */
  public static Path bundledTool(String name) {
    Class<?> tool = switch (name) {
      case "ffmpeg" -> org.bytedeco.ffmpeg.ffmpeg.class;
      case "ffprobe" -> org.bytedeco.ffmpeg.ffprobe.class;
      default -> throw new IllegalArgumentException(name);
    };
    return Path.of(Loader.load(tool));
  }

  /**
   * A process for a bundled tool ("ffmpeg", "ffprobe") with {@code args}; the tool finds its
   * libraries beside it through LD_LIBRARY_PATH.
   */
  public static ProcessBuilder toolProcess(String name, java.util.List<String> args) {
    Path tool = bundledTool(name);
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(tool.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("LD_LIBRARY_PATH", tool.getParent().toString());
    return pb;
  }

  /** Throws when an FFmpeg call returned an error code. */
  static int check(int ret, String call) {
    if (ret < 0) {
      throw new MediaException(call + " failed: " + error(ret));
    }
    return ret;
  }

  /** FFmpeg's text for an error code, with the code. */
  static String error(int ret) {
    byte[] buf = new byte[256];
    av_strerror(ret, buf, buf.length);
    return new String(buf, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "").trim() + " (" + ret + ")";
  }
}
