package io.egressjava.webrtc;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room as the signalling tells it, and what that means for an egress: participants and their
 * tracks (newest version wins), the tracks we subscribed to, and the events the egress acts on — a
 * subscribed track unpublished or muted, its participant gone, the server removing us (or another
 * instance taking our identity: DUPLICATE_IDENTITY), a subscription refused. No sockets: a
 * {@link RoomSubscriber} feeds it the server's messages in order.
 */
final class RoomRoster {
  private static final Logger log = LoggerFactory.getLogger(RoomRoster.class);

  private final RoomSubscriber.Listener listener;
  private final Map<String, LivekitModels.ParticipantInfo> participantsBySid = new ConcurrentHashMap<>();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private volatile boolean resumeAsked;
  private volatile boolean removed;
  /** Our own participant: its updates carry what UpdateLayout sets, not a room member's. */
  private volatile String selfSid = "";
  private volatile String selfMetadata = "";
  /** Active speakers by participant SID: their audio levels (0–1). */
  private final Map<String, Float> speakerLevels = new ConcurrentHashMap<>();

  RoomRoster(RoomSubscriber.Listener listener) {
    this.listener = listener;
  }

  /**
   * Takes the messages about the room (join, participant updates, leave, subscription errors);
   * returns false for those it does not handle (offers, candidates).
   */
  boolean onSignal(SignalResponse r) {
    switch (r.getMessageCase()) {
      case JOIN -> {
        self(r.getJoin().getParticipant());
        r.getJoin().getOtherParticipantsList().forEach(p -> {
          participantsBySid.put(p.getSid(), p);
          listener.onParticipant(p);
        });
      }
      case UPDATE -> r.getUpdate().getParticipantsList().forEach(this::onParticipant);
      case LEAVE -> onLeave(r.getLeave());
      case SUBSCRIPTION_RESPONSE -> listener.onSubscriptionFailed(r.getSubscriptionResponse().getTrackSid(),
          r.getSubscriptionResponse().getErr().name());
      case SPEAKERS_CHANGED -> onSpeakers(r.getSpeakersChanged().getSpeakersList());
      default -> {
        return false;
      }
    }
    return true;
  }

  /**
   * The server sends only the speakers whose state changed (inactive ones leave the set); the
   * listener gets the whole set, loudest first, by identity.
   */
  private void onSpeakers(List<LivekitModels.SpeakerInfo> changed) {
    for (LivekitModels.SpeakerInfo s : changed) {
      if (s.getActive()) {
        speakerLevels.put(s.getSid(), s.getLevel());
      } else {
        speakerLevels.remove(s.getSid());
      }
    }
    List<String> loudestFirst = speakerLevels.entrySet().stream()
        .sorted(Map.Entry.<String, Float>comparingByValue().reversed())
        .map(e -> participantsBySid.get(e.getKey())).filter(java.util.Objects::nonNull)
        .map(LivekitModels.ParticipantInfo::getIdentity).toList();
    listener.onSpeakers(loudestFirst);
  }

  private void onLeave(LivekitRtc.LeaveRequest leave) {
    log.info("server asked us to leave: {} ({})", leave.getReason(), leave.getAction());
    if (leave.getAction() == LivekitRtc.LeaveRequest.Action.RESUME) {
      resumeAsked = true;
      return;
    }
    removed = true;
    if (leave.getReason() == LivekitModels.DisconnectReason.DUPLICATE_IDENTITY) {
      listener.onReplaced();
    } else {
      listener.onDisconnected(leave.getReason().name());
    }
  }

  /** Our own participant as the server last described it (its sid comes with the join). */
  void self(LivekitModels.ParticipantInfo p) {
    if (selfSid.isEmpty()) {
      selfSid = p.getSid();
    }
    if (p.getSid().equals(selfSid) && !p.getMetadata().equals(selfMetadata)) {
      selfMetadata = p.getMetadata();
      listener.onOwnMetadata(selfMetadata);
    }
  }

  private void onParticipant(LivekitModels.ParticipantInfo p) {
    if (p.getSid().equals(selfSid)) {
      self(p);
      return;
    }
    LivekitModels.ParticipantInfo previous = participantsBySid.get(p.getSid());
    if (previous != null && previous.getVersion() > p.getVersion()) {
      return; // an older update overtaken by a newer one
    }
    listener.onParticipant(p);
    if (p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED) {
      participantsBySid.remove(p.getSid());
      if (previous != null) {
        previous.getTracksList().stream().map(LivekitModels.TrackInfo::getSid).filter(subscribed::contains)
            .forEach(sid -> listener.onTrackEnded(sid, "participant left"));
      }
      return;
    }
    participantsBySid.put(p.getSid(), p);
    if (previous != null) {
      for (LivekitModels.TrackInfo t : p.getTracksList()) {
        previous.getTracksList().stream().filter(o -> o.getSid().equals(t.getSid()) && o.getMuted() != t.getMuted())
            .filter(o -> subscribed.contains(o.getSid()))
            .forEach(o -> listener.onTrackMuted(t.getSid(), t.getMuted()));
      }
      Set<String> now = new HashSet<>();
      p.getTracksList().forEach(t -> now.add(t.getSid()));
      previous.getTracksList().stream().map(LivekitModels.TrackInfo::getSid)
          .filter(sid -> subscribed.contains(sid) && !now.contains(sid))
          .forEach(sid -> listener.onTrackEnded(sid, "track unpublished"));
    }
  }

  /** Tracks we asked for: their events reach the listener, their media is received. */
  void subscribed(List<String> trackSids) {
    subscribed.addAll(trackSids);
  }

  boolean isSubscribed(String trackSid) {
    return subscribed.contains(trackSid);
  }

  /** The participant publishing {@code trackSid} and the track, as last announced. */
  Optional<Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo>> findTrack(String trackSid) {
    for (LivekitModels.ParticipantInfo p : participantsBySid.values()) {
      for (LivekitModels.TrackInfo t : p.getTracksList()) {
        if (t.getSid().equals(trackSid)) {
          return Optional.of(Map.entry(p, t));
        }
      }
    }
    return Optional.empty();
  }

  List<LivekitModels.ParticipantInfo> participants() {
    return List.copyOf(participantsBySid.values());
  }

  /** The server removed us (a leave without resume): a dropped socket is not to be resumed. */
  boolean removed() {
    return removed;
  }

  /** Whether the server's last leave asked for a resume; asking clears it. */
  boolean takeResumeAsked() {
    boolean asked = resumeAsked;
    resumeAsked = false;
    return asked;
  }

  boolean resumeAsked() {
    return resumeAsked;
  }
}
