package io.egressjava.core.media;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pictures from one source and sound from another, on one egress clock — a room composite's layout
 * rendered by Chrome with the room's sound mixed from its tracks. Whichever ends or fails first
 * ends or fails the whole; aligning the two clocks is the caller's (see each source).
 */
public final class SplitSource implements MediaSource {
  private final MediaSource pictures;
  private final MediaSource sound;
  private final AtomicBoolean over = new AtomicBoolean();

  public SplitSource(MediaSource pictures, MediaSource sound) {
    this.pictures = pictures;
    this.sound = sound;
  }

  @Override
  public void registerMetrics(io.egressjava.core.metrics.EgressMetrics metrics) {
    pictures.registerMetrics(metrics);
    sound.registerMetrics(metrics);
  }

  @Override
  public void start(Receiver receiver) {
    pictures.start(new Half(receiver, true));
    sound.start(new Half(receiver, false));
  }

  /** The pictures' clock: the sound's source is aligned to it (see each source). */
  @Override
  public double clockSeconds() {
    return pictures.clockSeconds();
  }

  /** Both halves: the page hides tiles itself (it reads the same UpdateLayout), the sound leaves tracks out. */
  @Override
  public boolean filter(TrackFilter filter) {
    boolean shown = pictures.filter(filter); // both are told, whatever the first answers
    boolean heard = sound.filter(filter);
    return shown || heard;
  }

  /** What one of the two sources pushes: only its own kind of media gets through. */
  private final class Half implements Receiver {
    private final Receiver target;
    private final boolean forPictures;

    Half(Receiver target, boolean forPictures) {
      this.target = target;
      this.forPictures = forPictures;
    }

    @Override
    public void video(Picture picture, double seconds) {
      if (forPictures) {
        target.video(picture, seconds);
      }
    }

    @Override
    public void audio(byte[] pcm, int length, double seconds) {
      if (!forPictures) {
        target.audio(pcm, length, seconds);
      }
    }

    @Override
    public void flowing() {
      if (forPictures) { // the pictures' source says when the recording starts
        target.flowing();
      }
    }

    @Override
    public void ended() {
      if (over.compareAndSet(false, true)) {
        target.ended();
      }
    }

    @Override
    public void ownMetadata(String metadata) {
      target.ownMetadata(metadata); // whichever half joins as the egress hears UpdateLayout
    }

    @Override
    public void relinquished() {
      if (over.compareAndSet(false, true)) {
        target.relinquished();
      }
    }

    @Override
    public void failed(RuntimeException error) {
      if (over.compareAndSet(false, true)) {
        target.failed(error);
      }
    }
  }

  @Override
  public double audioJitterSeconds() {
    return sound.audioJitterSeconds();
  }

  @Override
  public double audioLatenessSeconds() {
    return sound.audioLatenessSeconds();
  }

  @Override
  public void flush() {
    pictures.flush();
    sound.flush();
  }

  @Override
  public void stop() {
    pictures.stop();
    sound.stop();
  }
}
