package io.egressjava.source.room.composite;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.VideoDecoder;
import java.util.ArrayDeque;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One participant's camera or screen share in a composite: its decoder, the pictures waiting for
 * their time on its schedule ({@link Playout}) and the one shown now. The pictures are the
 * composer's, used under its lock.
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

  /** A decoded picture waits for its time; returns one that no longer can (the caller frees it), or null. */
  AVFrame hold(AVFrame picture, Playout.Slot slot) {
    pending.add(new Pending(picture, slot));
    return pending.size() > MAX_PENDING ? pending.poll().frame() : null;
  }

  /** The latest picture whose time has come becomes the one shown; those before it are skipped. */
  void advance(long nowNanos) {
    for (Pending p = pending.peek(); p != null && playout.showAt(p.slot(), nowNanos) <= nowNanos; p = pending.peek()) {
      pending.poll();
      if (latest != null) {
        avutil.av_frame_free(latest);
      }
      latest = p.frame();
    }
  }

  /** Whether any picture was decoded and not dropped, shown or not yet. */
  boolean hasPictures() {
    return latest != null || !pending.isEmpty();
  }

  /** Frees the tile's pictures, shown and waiting. */
  void dropPictures() {
    if (latest != null) {
      avutil.av_frame_free(latest);
      latest = null;
    }
    for (Pending p = pending.poll(); p != null; p = pending.poll()) {
      avutil.av_frame_free(p.frame());
    }
  }
}
