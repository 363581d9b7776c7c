package io.egressjava.source.room.media;

import io.egressjava.core.media.TrackFilter;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.RequestType;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;

/**
 * Which of the room's tracks an egress records (protocol.md §4.5, §4.8): the two named tracks of a
 * track composite; a participant's camera and microphone (or screen share and its audio), including
 * tracks published later; a v2 media source's video and routed audio; or every audio track in the
 * room for a room composite's mix.
 */
public final class TrackSelection {
  private final RequestType type;
  private final String audioTrackId;
  private final String videoTrackId;
  private final String identity;
  private final boolean screenShare;

  private final boolean captureAllAudio;
  private final List<LivekitEgress.AudioRoute> routes;

  private TrackSelection(RequestType type, String audioTrackId, String videoTrackId, String identity, boolean screenShare,
      boolean captureAllAudio, List<LivekitEgress.AudioRoute> routes) {
    this.type = type;
    this.audioTrackId = audioTrackId;
    this.videoTrackId = videoTrackId;
    this.identity = identity;
    this.screenShare = screenShare;
    this.captureAllAudio = captureAllAudio;
    this.routes = routes;
  }

  public static TrackSelection of(EgressPlan plan) {
    EgressPlan.Source s = plan.source();
    return new TrackSelection(plan.requestType(), s.audioTrackId(), s.videoTrackId(), s.identity(), s.screenShare(),
        s.captureAllAudio(), s.audioRoutes() == null ? List.of() : s.audioRoutes());
  }

  /** A matching track, and whether it is the (single) video or one of the audio tracks. */
  public record Pick(String participantSid, String participantIdentity, LivekitModels.TrackInfo track) {
    public boolean video() {
      return track.getType() == TrackType.VIDEO;
    }
  }

  /** The tracks of {@code participant} this egress wants. */
  public List<Pick> pick(LivekitModels.ParticipantInfo participant) {
    return pick(participant, TrackFilter.NONE);
  }

  /**
   * The tracks of {@code participant} this egress wants, with the sound {@code filter} adds by name
   * where the egress mixes its sound (a v2 request's routes are where it starts, not a limit).
   */
  public List<Pick> pick(LivekitModels.ParticipantInfo participant, TrackFilter filter) {
    List<Pick> out = new ArrayList<>();
    if (participant.getPermission().getHidden() || participant.getPermission().getRecorder()) {
      return out; // other egresses and hidden observers are not part of the room's media
    }
    for (LivekitModels.TrackInfo t : participant.getTracksList()) {
      if (wants(participant, t) || (t.getType() == TrackType.AUDIO && mixesAudio()
          && filter.adds(participant.getIdentity(), t.getSid(), true, t.getSource() == TrackSource.SCREEN_SHARE_AUDIO))) {
        out.add(new Pick(participant.getSid(), participant.getIdentity(), t));
      }
    }
    return out;
  }

  private boolean wants(LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
    return switch (type) {
      case TRACK_COMPOSITE -> t.getSid().equals(audioTrackId) || t.getSid().equals(videoTrackId);
      case PARTICIPANT -> p.getIdentity().equals(identity) && (screenShare
          ? t.getSource() == TrackSource.SCREEN_SHARE || t.getSource() == TrackSource.SCREEN_SHARE_AUDIO
          : t.getSource() == TrackSource.CAMERA || t.getSource() == TrackSource.MICROPHONE
              || (t.getSource() == TrackSource.UNKNOWN));
      case MEDIA -> t.getType() == TrackType.VIDEO ? wantsMediaVideo(p, t) : wantsMediaAudio(p, t);
      default -> t.getType() == TrackType.AUDIO; // audio-only room composite
    };
  }

  /** v2 media: the named video track, or the named participant's camera (screen share if preferred). */
  private boolean wantsMediaVideo(LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
    if (!videoTrackId.isEmpty()) {
      return t.getSid().equals(videoTrackId);
    }
    if (identity.isEmpty() || !p.getIdentity().equals(identity)) {
      return false;
    }
    boolean hasScreen = p.getTracksList().stream().anyMatch(x -> x.getSource() == TrackSource.SCREEN_SHARE);
    return screenShare && hasScreen ? t.getSource() == TrackSource.SCREEN_SHARE : t.getSource() != TrackSource.SCREEN_SHARE;
  }

  /** v2 media: every audio track, or those an audio route names (by track, participant, or participant kind). */
  private boolean wantsMediaAudio(LivekitModels.ParticipantInfo p, LivekitModels.TrackInfo t) {
    if (captureAllAudio) {
      return true;
    }
    return routes.stream().anyMatch(r -> switch (r.getMatchCase()) {
      case TRACK_ID -> r.getTrackId().equals(t.getSid());
      case PARTICIPANT_IDENTITY -> r.getParticipantIdentity().equals(p.getIdentity());
      case PARTICIPANT_KIND -> r.getParticipantKind() == p.getKind();
      default -> false;
    });
  }

  /** Whether the whole egress ends when this participant leaves (participant egress). */
  public boolean endsWith(LivekitModels.ParticipantInfo participant) {
    return type == RequestType.PARTICIPANT && participant.getIdentity().equals(identity);
  }

  /** Whether the egress ends once every picked track has ended (track composite). */
  public boolean endsWithItsTracks() {
    return type == RequestType.TRACK_COMPOSITE;
  }

  /**
   * Several audio tracks are mixed (room composite, v2 media with all audio or more than one route)
   * rather than one followed closely (lip sync to its participant's picture).
   */
  public boolean mixesAudio() {
    if (type == RequestType.MEDIA) {
      return captureAllAudio || routes.size() > 1
          || routes.stream().anyMatch(r -> r.getMatchCase() == LivekitEgress.AudioRoute.MatchCase.PARTICIPANT_KIND);
    }
    return type != RequestType.TRACK_COMPOSITE && type != RequestType.PARTICIPANT;
  }
}
