package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * Cuts encoded audio/video into MPEG-TS segment files for HLS: a new segment starts at the first
 * video key frame at or after each {@code segmentDuration} boundary (the video encoder is asked for a
 * key frame there), or at the first audio packet after it when there is no video. Timestamps stay
 * continuous across segments. Each finished segment is handed to the listener.
 */
public final class SegmentWriter implements AutoCloseable {

  /** A finished segment on disk. */
  @FunctionalInterface
  public interface Listener {
    void segmentReady(Path file, Instant start, double durationSeconds);
  }

  private final IntFunction<Path> segmentPath;
  private final double segmentDuration;
  private final Listener listener;
  private final Instant origin;
  private final AVCodecContext video;
  private final AVCodecContext audio;
  private FileMuxer current;
  private Path currentPath;
  private double currentStart;
  private double lastEnd;
  private int index;
  private int videoStream = -1;
  private int audioStream = -1;

  /**
   * @param segmentPath where segment {@code i} goes (e.g. prefix_00003.ts)
   * @param origin wall-clock time of media time 0 (for program date time)
   */
  public SegmentWriter(IntFunction<Path> segmentPath, int segmentDurationSeconds, Instant origin,
      VideoEncoder video, AudioEncoder audio, Listener listener) {
    this.segmentPath = segmentPath;
    this.segmentDuration = segmentDurationSeconds;
    this.origin = origin;
    this.video = video == null ? null : video.context();
    this.audio = audio == null ? null : audio.context();
    this.listener = listener;
  }

  /** Whether the video frame at {@code frameTime} (s) must be a key frame: the first at or past a boundary. */
  public boolean keyFrameDue(double frameTime) {
    return current == null || frameTime >= (index) * segmentDuration - 1e-9;
  }

  public void writeVideo(AVPacket packet) {
    double t = seconds(packet, video);
    if ((packet.flags() & AV_PKT_FLAG_KEY) != 0 && (current == null || t >= index * segmentDuration - 1e-9)) {
      startSegment(t);
    }
    if (current != null) {
      current.write(videoStream, packet);
      lastEnd = Math.max(lastEnd, t + packet.duration() * tick(video));
    }
  }

  public void writeAudio(AVPacket packet) {
    double t = seconds(packet, audio);
    if (video == null && (current == null || t >= index * segmentDuration - 1e-9)) {
      startSegment(Math.max(t, 0));
    }
    if (current != null) {
      current.write(audioStream, packet);
      lastEnd = Math.max(lastEnd, t + packet.duration() * tick(audio));
    }
  }

  private static double tick(AVCodecContext c) {
    return (double) c.time_base().num() / c.time_base().den();
  }

  private static double seconds(AVPacket p, AVCodecContext c) {
    return p.pts() * tick(c);
  }

  private void startSegment(double t) {
    finishSegment(t);
    currentPath = segmentPath.apply(index);
    current = new FileMuxer(currentPath, "mpegts");
    videoStream = video == null ? -1 : current.addStream(video);
    audioStream = audio == null ? -1 : current.addStream(audio);
    currentStart = t;
    index++;
  }

  private void finishSegment(double end) {
    if (current == null) {
      return;
    }
    current.close();
    double duration = end - currentStart;
    listener.segmentReady(currentPath, origin.plusNanos((long) (currentStart * 1e9)), duration);
    current = null;
  }

  /** Closes the last segment. */
  @Override
  public void close() {
    finishSegment(lastEnd);
  }
}
