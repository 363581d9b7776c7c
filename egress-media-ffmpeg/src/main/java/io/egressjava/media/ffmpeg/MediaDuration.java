package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;

/**
 * How long a finished file plays, as a player (and ffprobe) reads it from the container. Reported
 * durations are taken from here rather than from wall clocks, which also count the time before the
 * first frame was written, a cold start's backlog and the upload.
 */
public final class MediaDuration {
  private MediaDuration() {}

  /** The container's duration in nanoseconds, or -1 if it has none. */
  public static long nanos(Path file) {
    Ffmpeg.load();
    AVFormatContext ctx = new AVFormatContext(null);
    Ffmpeg.check(avformat_open_input(ctx, file.toString(), null, null), "avformat_open_input(" + file.getFileName() + ")");
    try {
      Ffmpeg.check(avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null), "avformat_find_stream_info");
      long micros = ctx.duration();
      return micros == AV_NOPTS_VALUE || micros < 0 ? -1 : micros * 1000;
    } finally {
      avformat_close_input(ctx);
    }
  }
}
