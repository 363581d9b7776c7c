package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.compat.ProtocolCompat;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.media.TrackFilter;
import io.egressjava.core.plan.EgressPlanner;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import org.junit.jupiter.api.Test;

/** Which tracks a v2 media source records. */
class TrackSelectionTest {
  private static TrackSelection media(LivekitEgress.MediaSource.Builder m) {
    var config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    var v2 = LivekitEgress.StartEgressRequest.newBuilder().setRoomName("r").setMedia(m)
        .addOutputs(LivekitEgress.Output.newBuilder().setFile(LivekitEgress.FileOutput.newBuilder().setFilepath("a.mp4")));
    return TrackSelection.of(new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_m").setEgress(v2).build()));
  }

  private static LivekitModels.ParticipantInfo participant(String identity, LivekitModels.ParticipantInfo.Kind kind,
      LivekitModels.TrackInfo... tracks) {
    return LivekitModels.ParticipantInfo.newBuilder().setSid("PA_" + identity).setIdentity(identity).setKind(kind)
        .addAllTracks(List.of(tracks)).build();
  }

  private static LivekitModels.TrackInfo track(String sid, TrackType type, TrackSource source) {
    return LivekitModels.TrackInfo.newBuilder().setSid(sid).setType(type).setSource(source).build();
  }

  private static List<String> picked(TrackSelection s, LivekitModels.ParticipantInfo p) {
    return s.pick(p).stream().map(x -> x.track().getSid()).toList();
  }

  @Test
  void participantVideoAndItsRoutedMicrophoneAreFollowedClosely() {
    TrackSelection s = media(LivekitEgress.MediaSource.newBuilder()
        .setParticipantVideo(LivekitEgress.ParticipantVideo.newBuilder().setIdentity("alice"))
        .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder().setParticipantIdentity("alice").build()))));
    var alice = participant("alice", LivekitModels.ParticipantInfo.Kind.STANDARD, track("TR_cam", TrackType.VIDEO, TrackSource.CAMERA),
        track("TR_screen", TrackType.VIDEO, TrackSource.SCREEN_SHARE), track("TR_mic", TrackType.AUDIO, TrackSource.MICROPHONE));
    var bob = participant("bob", LivekitModels.ParticipantInfo.Kind.STANDARD, track("TR_bob", TrackType.AUDIO, TrackSource.MICROPHONE));
    assertThat(picked(s, alice)).containsExactly("TR_cam", "TR_mic");
    assertThat(picked(s, bob)).isEmpty();
    assertThat(s.mixesAudio()).isFalse();
  }

  @Test
  void routesByKindAndEveryAudioAreMixed() {
    TrackSelection agents = media(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_cam")
        .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder()
            .setParticipantKind(LivekitModels.ParticipantInfo.Kind.AGENT).build()))));
    var agent = participant("agent", LivekitModels.ParticipantInfo.Kind.AGENT, track("TR_voice", TrackType.AUDIO, TrackSource.MICROPHONE));
    var human = participant("human", LivekitModels.ParticipantInfo.Kind.STANDARD, track("TR_cam", TrackType.VIDEO, TrackSource.CAMERA),
        track("TR_mic", TrackType.AUDIO, TrackSource.MICROPHONE));
    assertThat(picked(agents, agent)).containsExactly("TR_voice");
    assertThat(picked(agents, human)).containsExactly("TR_cam");
    assertThat(agents.mixesAudio()).isTrue();

    TrackSelection all = media(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_cam")
        .setAudio(ProtocolCompat.audioConfig(true, List.of())));
    assertThat(picked(all, human)).containsExactly("TR_cam", "TR_mic");
    assertThat(all.mixesAudio()).isTrue();
  }

  /** The routes are where a mixing egress starts: sound included by name later is picked too; a followed one is not. */
  @Test
  void soundIncludedByNameJoinsTheRoutedMix() {
    TrackSelection agents = media(LivekitEgress.MediaSource.newBuilder().setVideoTrackId("TR_cam")
        .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder()
            .setParticipantKind(LivekitModels.ParticipantInfo.Kind.AGENT).build()))));
    var human = participant("human", LivekitModels.ParticipantInfo.Kind.STANDARD, track("TR_cam", TrackType.VIDEO, TrackSource.CAMERA),
        track("TR_mic", TrackType.AUDIO, TrackSource.MICROPHONE));
    var other = participant("other", LivekitModels.ParticipantInfo.Kind.STANDARD, track("TR_cam2", TrackType.VIDEO, TrackSource.CAMERA),
        track("TR_mic2", TrackType.AUDIO, TrackSource.MICROPHONE));
    TrackFilter withHuman = TrackFilter.NONE.include(List.of("human"));
    assertThat(agents.pick(human, withHuman)).extracting(x -> x.track().getSid()).containsExactly("TR_cam", "TR_mic");
    assertThat(agents.pick(other, withHuman)).as("only the one named").isEmpty();
    assertThat(agents.pick(human, withHuman.exclude(List.of("human")))).extracting(x -> x.track().getSid()).containsExactly("TR_cam");

    TrackSelection followed = media(LivekitEgress.MediaSource.newBuilder()
        .setParticipantVideo(LivekitEgress.ParticipantVideo.newBuilder().setIdentity("alice"))
        .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder().setParticipantIdentity("alice").build()))));
    assertThat(followed.pick(human, withHuman)).as("one sound followed closely: nothing to mix into").isEmpty();
  }
}
