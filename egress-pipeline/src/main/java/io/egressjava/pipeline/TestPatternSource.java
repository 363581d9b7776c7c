package io.egressjava.pipeline;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import io.egressjava.core.media.MediaSource;
import io.egressjava.media.ffmpeg.AvPicture;
import io.egressjava.media.ffmpeg.Ffmpeg;
import java.util.concurrent.CompletableFuture;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A synthetic source, in real time or (for tests, see {@link #unpaced}) as fast as it can: a moving
 * bar pattern with a frame counter's worth of change each frame, a white flash and a 1 kHz beep
 * together once a second (for A/V sync checks), otherwise a quiet 440 Hz tone. Used by examples,
 * the demo and tests.
 */
public final class TestPatternSource implements MediaSource {
  private final int width;
  private final int height;
  private final int fps;
  private volatile boolean running;
  private Thread thread;
  private double videoStallFrom = -1;
  private double videoStallUntil = -1;
  private double audioStallFrom = -1;
  private double audioStallUntil = -1;
  /** Unpaced: how much media to push before holding; negative = real time, without end. */
  private double unpacedSeconds = -1;
  private volatile long startNanos;
  private final CompletableFuture<Void> pushed = new CompletableFuture<>();

  public TestPatternSource(int width, int height, int fps) {
    this.width = width;
    this.height = height;
    this.fps = fps;
  }

  /** Sends no pictures in [from, until) seconds, as a frozen or stalled camera would. */
  public TestPatternSource stallVideo(double from, double until) {
    videoStallFrom = from;
    videoStallUntil = until;
    return this;
  }

  /** Sends no sound in [from, until) seconds, as a muted or stalled microphone would. */
  public TestPatternSource stallAudio(double from, double until) {
    audioStallFrom = from;
    audioStallUntil = until;
    return this;
  }

  /**
   * Pushes {@code seconds} of media at once, timestamped as if in real time, then nothing more
   * until stopped ({@link #pushed} completes then). The pipeline places media by its timestamps, so
   * a test gets the same recording without waiting for the wall clock.
   */
  public TestPatternSource unpaced(double seconds) {
    unpacedSeconds = seconds;
    return this;
  }

  /** Completes when an unpaced source has pushed all its media. */
  public CompletableFuture<Void> pushed() {
    return pushed;
  }

  /** Paced: the time since the first frame; unpaced media has no "now" (NaN). */
  @Override
  public double clockSeconds() {
    long start = startNanos;
    return start == 0 || unpacedSeconds >= 0 ? Double.NaN : (System.nanoTime() - start) / 1e9;
  }

  @Override
  public void start(Receiver receiver) {
    running = true;
    thread = new Thread(() -> run(receiver), "test-pattern");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Receiver receiver) {
    Ffmpeg.load();
    AVFrame frame = av_frame_alloc();
    frame.format(AV_PIX_FMT_YUV420P);
    frame.width(width);
    frame.height(height);
    av_frame_get_buffer(frame, 0);
    byte[] y = new byte[frame.linesize(0) * height];
    long start = System.nanoTime();
    startNanos = start;
    long samples = 0;
    try {
      for (int i = 0; running && (unpacedSeconds < 0 || i < unpacedSeconds * fps); i++) {
        boolean flash = i % fps == 0;
        int ls = frame.linesize(0);
        for (int row = 0; row < height; row++) {
          for (int x = 0; x < width; x++) {
            y[row * ls + x] = flash ? (byte) 235 : (byte) ((((x + i * 8) / 16) * 16 + ((row / 8) % 2) * 40) & 0xFF);
          }
        }
        frame.data(0).put(y, 0, y.length);
        frame.data(1).position(0).limit((long) frame.linesize(1) * height / 2).fill(128);
        frame.data(2).position(0).limit((long) frame.linesize(2) * height / 2).fill(128);
        double t = (double) i / fps;
        if (t < videoStallFrom || t >= videoStallUntil) {
          receiver.video(AvPicture.of(frame), t);
        }
        long until = (long) (i + 1) * 48_000 / fps;
        int n = (int) (until - samples);
        if (t < audioStallFrom || t >= audioStallUntil) {
          receiver.audio(tone(samples, n, flash), n * 4, samples / 48_000.0);
        }
        samples = until;
        long wait = start + (i + 1) * 1_000_000_000L / fps - System.nanoTime();
        if (wait > 0 && unpacedSeconds < 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      pushed.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      pushed.completeExceptionally(e);
      receiver.failed(e);
    } finally {
      av_frame_free(frame);
    }
  }

  private static byte[] tone(long start, int samples, boolean beep) {
    byte[] pcm = new byte[samples * 4];
    for (int i = 0; i < samples; i++) {
      double hz = beep ? 1000 : 440;
      short v = (short) (Math.sin(2 * Math.PI * hz * (start + i) / 48_000.0) * (beep ? 16_000 : 4_000));
      pcm[i * 4] = (byte) v;
      pcm[i * 4 + 1] = (byte) (v >> 8);
      pcm[i * 4 + 2] = (byte) v;
      pcm[i * 4 + 3] = (byte) (v >> 8);
    }
    return pcm;
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
