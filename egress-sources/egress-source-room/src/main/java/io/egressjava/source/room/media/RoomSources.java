package io.egressjava.source.room.media;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.SourceProvider;
import io.egressjava.core.plan.EgressPlan;

/**
 * The sources that join the room over WebRTC: a track as received for track egress (and v2 media
 * without transcoding), the room's decoded tracks for track composite, participant, SDK room
 * composite and an audio-only room composite (nothing to show, so no page). A room composite
 * with pictures from a page is egress-source-browser's.
 */
public final class RoomSources implements SourceProvider {

  @Override
  public MediaSource create(EgressPlan plan, Context context) {
    if (plan.passthrough()) {
      return new TrackSource(plan, null);
    }
    if (plan.rendersPage()) {
      return null;
    }
    return switch (plan.requestType()) {
      case TRACK_COMPOSITE, PARTICIPANT, ROOM_COMPOSITE, TEMPLATE, MEDIA -> new RoomMediaSource(plan, null);
      default -> null;
    };
  }
}
