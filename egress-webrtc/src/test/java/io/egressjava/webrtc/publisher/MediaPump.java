package io.egressjava.webrtc.publisher;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes synthetic media in real time from one thread: a 10 ms PCM chunk every 10 ms and a frame
 * every 1/fps s, both scheduled from the same start instant. The custom sources stamp media with
 * their (shared) clock at push time, so pushing on schedule is what makes the flash frame and the
 * beep carry the same capture time; one thread keeps the two in order at shared instants (audio
 * first, then the frame, back to back). The next frame is drawn ahead so a push costs no drawing.
 */
final class MediaPump implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaPump.class);
  static final int CHUNK_SAMPLES = BeepSignal.SAMPLE_RATE / 100;
  private static final long CHUNK_NANOS = 10_000_000L;

  record VideoOutput(CustomVideoSource source, TestPattern pattern) {}

  private final int fps;
  private final List<VideoOutput> videos;
  private final CustomAudioSource audio;
  private final Thread thread;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private volatile boolean running = true;

  MediaPump(int fps, List<VideoOutput> videos, CustomAudioSource audio) {
    this.fps = fps;
    this.videos = List.copyOf(videos);
    this.audio = audio;
    this.thread = new Thread(this::run, "java-publisher-media");
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
  }

  void start() {
    thread.start();
  }

  long framesPushed() {
    return frames.get();
  }

  long audioChunksPushed() {
    return chunks.get();
  }

  private void run() {
    long t0 = System.nanoTime();
    long frame = 0;
    long chunk = 0;
    byte[] pcm = new byte[CHUNK_SAMPLES * 2];
    List<VideoFrame> next = videos.isEmpty() ? List.of() : render(0);
    try {
      while (running) {
        long videoAt = videos.isEmpty() ? Long.MAX_VALUE : t0 + frame * 1_000_000_000L / fps;
        long audioAt = audio == null ? Long.MAX_VALUE : t0 + chunk * CHUNK_NANOS;
        sleepUntil(Math.min(videoAt, audioAt));
        if (!running) {
          break;
        }
        if (audioAt <= videoAt) {
          BeepSignal.fill(chunk * CHUNK_SAMPLES, pcm, CHUNK_SAMPLES);
          audio.pushAudio(pcm, 16, BeepSignal.SAMPLE_RATE, 1, CHUNK_SAMPLES);
          chunk++;
          chunks.set(chunk);
        } else {
          for (int i = 0; i < videos.size(); i++) {
            videos.get(i).source().pushFrame(next.get(i));
            next.get(i).release();
          }
          frame++;
          frames.set(frame);
          next = render(frame);
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("media pump stopped", e);
    } finally {
      next.forEach(VideoFrame::release);
    }
  }

  private List<VideoFrame> render(long frame) {
    List<VideoFrame> out = new ArrayList<>(videos.size());
    for (VideoOutput v : videos) {
      TestPattern p = v.pattern();
      p.render(frame);
      NativeI420Buffer buffer = NativeI420Buffer.allocate(p.width(), p.height());
      copyPlane(p.y(), p.width(), p.height(), buffer.getDataY(), buffer.getStrideY());
      copyPlane(p.u(), p.width() / 2, p.height() / 2, buffer.getDataU(), buffer.getStrideU());
      copyPlane(p.v(), p.width() / 2, p.height() / 2, buffer.getDataV(), buffer.getStrideV());
      out.add(new VideoFrame(buffer, System.nanoTime()));
    }
    return out;
  }

  private static void copyPlane(byte[] src, int width, int height, ByteBuffer dst, int stride) {
    if (stride == width) {
      dst.put(0, src, 0, width * height);
      return;
    }
    for (int row = 0; row < height; row++) {
      dst.put(row * stride, src, row * width, width);
    }
  }

  private void sleepUntil(long deadline) {
    for (long wait = deadline - System.nanoTime(); wait > 0 && running; wait = deadline - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }

  /** Stops pushing and waits for the thread, so no push races the sources' disposal. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
