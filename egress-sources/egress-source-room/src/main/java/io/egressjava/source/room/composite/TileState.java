package io.egressjava.source.room.composite;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.VideoDecoder;
import java.util.ArrayDeque;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One participant's camera or screen share in a composite: its decoder, the pictures waiting for
 * their time on its schedule ({@link Playout}) and the one shown now. The one shown is the
 * composer's, used under its lock; the waiting ones are guarded by this object, so the decoding
 * thread hands a picture over without waiting for a composition under way.
 */
final class TileState {
  /** More pictures than this waiting (a burst while the schedule settles, a schedule off): the oldest go. */
  private static final int MAX_PENDING = 8;

  /** A decoded picture and its place on the tile's schedule. */
  private record Pending(AVFrame frame, Playout.Slot slot) {}

  final String sid;
  final String identity;
  final boolean screen;
  final long joined;
  final MediaCodec codec;
  final Playout playout = new Playout();
  final long subscribedNanos = System.nanoTime();
  VideoDecoder decoder;
  /** The picture shown now. */
  AVFrame latest;
  int wantW;
  int wantH;
  boolean askedKeyFrame;
  /** The publisher muted it: the participant's placeholder shows instead. */
  volatile boolean muted;
  boolean pictured;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  TileState(String sid, String identity, boolean screen, long joined, MediaCodec codec) {
    this.sid = sid;
    this.identity = identity;
    this.screen = screen;
    this.joined = joined;
    this.codec = codec;
  }

  /**
   * A decoded picture waits for its time (decoding thread); returns one not kept, for the caller to
   * free: this one while the tile is muted, else the oldest waiting beyond {@link #MAX_PENDING}; or null.
   */
  synchronized AVFrame hold(AVFrame picture, Playout.Slot slot) {
    if (muted) {
      return picture;
    }
    pending.add(new Pending(picture, slot));
    return pending.size() > MAX_PENDING ? pending.poll().frame() : null;
  }

  /** The latest picture whose time has come becomes the one shown; those before it are skipped (composer's lock). */
  void advance(long nowNanos) {
    AVFrame due = takeDue(nowNanos);
    if (due != null) {
      if (latest != null) {
        avutil.av_frame_free(latest);
      }
      latest = due;
    }
  }

  private synchronized AVFrame takeDue(long nowNanos) {
    AVFrame due = null;
    for (Pending p = pending.peek(); p != null && playout.showAt(p.slot(), nowNanos) <= nowNanos; p = pending.peek()) {
      pending.poll();
      if (due != null) {
        avutil.av_frame_free(due);
      }
      due = p.frame();
    }
    return due;
  }

  /** Whether any picture was decoded and not dropped, shown or not yet (composer's lock). */
  boolean hasPictures() {
    return latest != null || waiting();
  }

  private synchronized boolean waiting() {
    return !pending.isEmpty();
  }

  /** Frees the tile's pictures, shown (composer's lock) and waiting. */
  void dropPictures() {
    if (latest != null) {
      avutil.av_frame_free(latest);
      latest = null;
    }
    dropWaiting();
  }

  private synchronized void dropWaiting() {
    for (Pending p = pending.poll(); p != null; p = pending.poll()) {
      avutil.av_frame_free(p.frame());
    }
  }
}
