package io.egressjava.server.track;

import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.source.room.rtp.EncodedFrame;

/** Where a track egress puts the track's frames: a file as received, or decoded PCM on a websocket. */
interface TrackOutput {

  /** One whole frame in arrival order (called on the receiver's thread, under the runner's lock). */
  void write(EncodedFrame frame, long pts);

  /** The publisher muted or unmuted the track. */
  default void muted(boolean muted) {}

  /** Finalizes and stores what was written and fills in the session's results. */
  void finish(EgressSession session) throws PsrpcException;

  /** Releases what {@link #finish} did not (after a failure before any frame). */
  void abandon();
}
