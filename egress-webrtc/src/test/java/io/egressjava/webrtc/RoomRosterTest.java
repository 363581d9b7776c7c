package io.egressjava.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.EncodedFrame;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The room's state and the events an egress acts on, driven by the server's signal messages as
 * livekit-server sends them (webrtc-receive.md §1): no socket, no server, no waiting.
 */
class RoomRosterTest {
  private final List<String> events = new ArrayList<>();
  private RoomRoster roster;

  @BeforeEach
  void setUp() {
    roster = new RoomRoster(new RoomSubscriber.Listener() {
      @Override
      public void onFrame(String trackSid, String codec, EncodedFrame frame) {}

      @Override
      public void onTrackEnded(String trackSid, String reason) {
        events.add("ended " + trackSid + ": " + reason);
      }

      @Override
      public void onTrackMuted(String trackSid, boolean muted) {
        events.add((muted ? "muted " : "unmuted ") + trackSid);
      }

      @Override
      public void onDisconnected(String reason) {
        events.add("disconnected " + reason);
      }

      @Override
      public void onReplaced() {
        events.add("replaced");
      }

      @Override
      public void onOwnMetadata(String metadata) {
        events.add("own metadata " + metadata);
      }

      @Override
      public void onSubscriptionFailed(String trackSid, String error) {
        events.add("subscription failed " + trackSid + ": " + error);
      }

      @Override
      public void onSpeakers(List<String> identities) {
        events.add("speakers " + identities);
      }
    });
  }

  private static TrackInfo track(String sid, boolean muted) {
    return TrackInfo.newBuilder().setSid(sid).setType(LivekitModels.TrackType.AUDIO).setMimeType("audio/opus")
        .setMuted(muted).build();
  }

  private static ParticipantInfo alice(int version, TrackInfo... tracks) {
    return ParticipantInfo.newBuilder().setSid("PA_alice").setIdentity("alice").setVersion(version)
        .setState(ParticipantInfo.State.ACTIVE).addAllTracks(List.of(tracks)).build();
  }

  private static SignalResponse join(ParticipantInfo... others) {
    return SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder().addAllOtherParticipants(List.of(others)))
        .build();
  }

  private static SignalResponse update(ParticipantInfo... participants) {
    return SignalResponse.newBuilder().setUpdate(LivekitRtc.ParticipantUpdate.newBuilder()
        .addAllParticipants(List.of(participants))).build();
  }

  private static SignalResponse leave(LivekitModels.DisconnectReason reason, LivekitRtc.LeaveRequest.Action action) {
    return SignalResponse.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder().setReason(reason).setAction(action))
        .build();
  }

  private static SignalResponse speakers(LivekitModels.SpeakerInfo... changed) {
    return SignalResponse.newBuilder().setSpeakersChanged(LivekitRtc.SpeakersChanged.newBuilder().addAllSpeakers(List.of(changed)))
        .build();
  }

  private static LivekitModels.SpeakerInfo speaker(String sid, float level, boolean active) {
    return LivekitModels.SpeakerInfo.newBuilder().setSid(sid).setLevel(level).setActive(active).build();
  }

  /** The server sends the speakers that changed; the egress gets everyone speaking, loudest first. */
  @Test
  void speakersAreKeptFromTheChangesTheServerSends() {
    roster.onSignal(join(alice(1), ParticipantInfo.newBuilder().setSid("PA_bob").setIdentity("bob").setVersion(1).build()));
    roster.onSignal(speakers(speaker("PA_alice", 0.3f, true)));
    roster.onSignal(speakers(speaker("PA_bob", 0.6f, true)));
    roster.onSignal(speakers(speaker("PA_bob", 0f, false)));
    roster.onSignal(speakers(speaker("PA_alice", 0f, false), speaker("PA_unknown", 0.9f, true)));
    assertThat(events).containsExactly("speakers [alice]", "speakers [bob, alice]", "speakers [alice]", "speakers []");
  }

  @Test
  void findsTracksOfParticipantsAlreadyThereAndOfLaterOnes() {
    roster.onSignal(join(alice(1, track("TR_a", false))));
    assertThat(roster.findTrack("TR_a")).hasValueSatisfying(e -> assertThat(e.getKey().getIdentity()).isEqualTo("alice"));
    assertThat(roster.findTrack("TR_b")).isEmpty();

    roster.onSignal(update(ParticipantInfo.newBuilder().setSid("PA_bob").setIdentity("bob").setVersion(1)
        .addTracks(track("TR_b", false)).build()));
    assertThat(roster.findTrack("TR_b")).hasValueSatisfying(e -> assertThat(e.getKey().getIdentity()).isEqualTo("bob"));
    assertThat(roster.participants()).extracting(ParticipantInfo::getIdentity).containsExactlyInAnyOrder("alice", "bob");
    assertThat(events).isEmpty();
  }

  @Test
  void subscribedTrackUnpublishedMutedAndItsParticipantGone() {
    roster.onSignal(join(alice(1, track("TR_a", false), track("TR_other", false))));
    roster.subscribed(List.of("TR_a"));

    roster.onSignal(update(alice(2, track("TR_a", true), track("TR_other", true))));
    roster.onSignal(update(alice(3, track("TR_a", false), track("TR_other", false))));
    roster.onSignal(update(alice(4, track("TR_other", false))));
    assertThat(events).containsExactly("muted TR_a", "unmuted TR_a", "ended TR_a: track unpublished");

    events.clear();
    roster.subscribed(List.of("TR_other"));
    roster.onSignal(update(alice(5, track("TR_other", false)).toBuilder().setState(ParticipantInfo.State.DISCONNECTED).build()));
    assertThat(events).containsExactly("ended TR_other: participant left");
    assertThat(roster.findTrack("TR_other")).isEmpty();
  }

  /** UpdateLayout reaches the egress as its own participant's metadata; we are no room member. */
  @Test
  void ourOwnMetadataIsReportedAndWeAreNotAParticipant() {
    ParticipantInfo self = ParticipantInfo.newBuilder().setSid("PA_self").setIdentity("EG_x").setVersion(1).build();
    roster.onSignal(SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder().setParticipant(self)
        .addOtherParticipants(alice(1))).build());
    roster.onSignal(update(self.toBuilder().setVersion(2).setMetadata("{\"layout\":\"{\\\"paused\\\":true}\"}").build()));
    roster.onSignal(update(self.toBuilder().setVersion(3).setMetadata("{\"layout\":\"{\\\"paused\\\":true}\"}").build()));
    assertThat(events).containsExactly("own metadata {\"layout\":\"{\\\"paused\\\":true}\"}");
    assertThat(roster.participants()).extracting(ParticipantInfo::getIdentity).containsExactly("alice");
  }

  @Test
  void anOlderUpdateOvertakenByANewerOneIsIgnored() {
    roster.onSignal(join(alice(5, track("TR_a", false))));
    roster.subscribed(List.of("TR_a"));
    roster.onSignal(update(alice(4))); // an old update without the track
    assertThat(events).isEmpty();
    assertThat(roster.findTrack("TR_a")).isPresent();
  }

  @Test
  void anotherInstanceWithOurIdentityReplacesUsAndNothingIsResumed() {
    roster.onSignal(leave(LivekitModels.DisconnectReason.DUPLICATE_IDENTITY, LivekitRtc.LeaveRequest.Action.DISCONNECT));
    assertThat(events).containsExactly("replaced");
    assertThat(roster.removed()).isTrue();
  }

  @Test
  void roomDeletedDisconnects() {
    roster.onSignal(leave(LivekitModels.DisconnectReason.ROOM_DELETED, LivekitRtc.LeaveRequest.Action.DISCONNECT));
    assertThat(events).containsExactly("disconnected ROOM_DELETED");
    assertThat(roster.removed()).isTrue();
  }

  @Test
  void aLeaveAskingForResumeIsNoEventButIsRemembered() {
    roster.onSignal(leave(LivekitModels.DisconnectReason.SIGNAL_CLOSE, LivekitRtc.LeaveRequest.Action.RESUME));
    assertThat(events).isEmpty();
    assertThat(roster.removed()).isFalse();
    assertThat(roster.takeResumeAsked()).isTrue();
    assertThat(roster.takeResumeAsked()).isFalse();
  }

  @Test
  void refusedSubscriptionIsReported() {
    roster.onSignal(SignalResponse.newBuilder().setSubscriptionResponse(LivekitRtc.SubscriptionResponse.newBuilder()
        .setTrackSid("TR_x").setErr(LivekitModels.SubscriptionError.SE_CODEC_UNSUPPORTED)).build());
    assertThat(events).containsExactly("subscription failed TR_x: SE_CODEC_UNSUPPORTED");
  }

  @Test
  void offersAndCandidatesAreLeftToTheSubscriber() {
    assertThat(roster.onSignal(SignalResponse.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
        .setType("offer").setSdp("v=0")).build())).isFalse();
    assertThat(events).isEmpty();
  }
}
