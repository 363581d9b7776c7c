package io.egressjava.source.room.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.webrtc.RoomConnection;
import io.egressjava.webrtc.RoomSubscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Track egress as the room's events drive it, through the real runner and muxer: the room is a
 * scripted {@link RoomConnection} (no server, no sockets), the frames real Opus packets.
 */
class TrackSourceTest {
  private static final EgressConfig CONFIG = EgressConfigLoader.fromYaml(
      "api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880", Map.of()).config();

  /** A room with alice publishing TR_a (Opus), or nobody; it records what the source did. */
  private static final class ScriptedRoom implements RoomConnection {
    final boolean hasTrack;
    volatile RoomSubscriber.Listener listener;
    final CompletableFuture<List<String>> subscribed = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** RTP time of the next packet: it runs on across calls, as a publisher's does. */
    long rtp = 123_456_789L;

    ScriptedRoom(boolean hasTrack) {
      this.hasTrack = hasTrack;
    }

    RoomConnection.Joiner joiner() {
      return (url, token, l, local, timeout) -> {
        listener = l;
        return this;
      };
    }

    @Override
    public Optional<Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo>> findTrack(String trackSid) {
      if (!hasTrack || !trackSid.equals("TR_a")) {
        return Optional.empty();
      }
      return Optional.of(Map.entry(LivekitModels.ParticipantInfo.newBuilder().setIdentity("alice").build(),
          LivekitModels.TrackInfo.newBuilder().setSid("TR_a").setType(LivekitModels.TrackType.AUDIO)
              .setSource(LivekitModels.TrackSource.MICROPHONE).setMimeType("audio/opus").build()));
    }

    @Override
    public List<LivekitModels.ParticipantInfo> participants() {
      return List.of();
    }

    @Override
    public void subscribe(String... trackSids) {
      subscribed.complete(List.of(trackSids));
    }

    @Override
    public void close() {
      closed.complete(null);
    }

    /** Once the source has subscribed, its first packet arrives: the egress is ACTIVE. */
    void flowing() throws Exception {
      subscribed.get(10, TimeUnit.SECONDS);
      listener.onTrackStarted("TR_a");
    }

    /** {@code seconds} of a 440 Hz tone as Opus frames of 20 ms, with their RTP time. */
    void publishTone(double seconds) {
      List<byte[]> packets = new ArrayList<>();
      try (AudioEncoder opus = new AudioEncoder(MediaCodec.OPUS, 64, 48_000, false)) {
        int samples = (int) (seconds * 48_000);
        byte[] pcm = new byte[samples * 4];
        for (int s = 0; s < samples; s++) {
          short x = (short) (8000 * Math.sin(2 * Math.PI * 440 * s / 48_000.0));
          for (int c = 0; c < 2; c++) {
            pcm[s * 4 + c * 2] = (byte) x;
            pcm[s * 4 + c * 2 + 1] = (byte) (x >> 8);
          }
        }
        opus.encode(pcm, pcm.length, p -> {
          byte[] b = new byte[p.size()];
          p.data().get(b);
          packets.add(b);
        });
      }
      for (byte[] packet : packets) {
        listener.onFrame("TR_a", "opus", new EncodedFrame(packet, rtp & 0xFFFFFFFFL, true));
        rtp += 960;
      }
    }
  }

  private record Run(EgressSession session, List<EgressInfo> updates, CompletableFuture<EgressInfo> done, Path storage,
      PipelineRunner runner) {}

  private static Run start(ScriptedRoom room, Duration trackTimeout, Path tmp) throws Exception {
    Path storage = Files.createDirectories(tmp.resolve("storage"));
    EgressPlan plan = new EgressPlanner(CONFIG, Clock.systemUTC()).plan(StartEgressRequest.newBuilder().setEgressId("EG_track")
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("room").setTrackId("TR_a")
            .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("rec/{publisher_identity}-{track_source}")))
        .build());
    List<EgressInfo> updates = new CopyOnWriteArrayList<>();
    CompletableFuture<EgressInfo> done = new CompletableFuture<>();
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), info -> {
      updates.add(info);
      if (EgressSession.isTerminal(info.getStatus())) {
        done.complete(info);
      }
    });
    PipelineRunner runner = new PipelineRunner(CONFIG, new TrackSource(plan, null, room.joiner(), trackTimeout),
        tmp.resolve("work"), storage, Clock.systemUTC());
    runner.start(plan, session);
    return new Run(session, updates, done, storage, runner);
  }

  @Test
  void recordsTheTrackAsReceivedUntilItIsUnpublished(@TempDir Path tmp) throws Exception {
    ScriptedRoom room = new ScriptedRoom(true);
    Run run = start(room, TrackSource.TRACK_TIMEOUT, tmp);
    assertThat(room.subscribed.get(10, TimeUnit.SECONDS)).containsExactly("TR_a");

    room.listener.onTrackStarted("TR_a");
    assertThat(run.session().status()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
    room.publishTone(2.0);
    room.listener.onTrackEnded("TR_a", "track unpublished");

    EgressInfo info = run.done().get(30, TimeUnit.SECONDS);
    assertThat(info.getStatus()).as(info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(run.updates()).extracting(EgressInfo::getStatus).containsSubsequence(EgressStatus.EGRESS_ACTIVE,
        EgressStatus.EGRESS_ENDING, EgressStatus.EGRESS_COMPLETE);
    assertThat(info.getDetails()).contains("Source closed");
    var file = info.getFileResults(0);
    assertThat(file.getFilename()).isEqualTo("rec/alice-microphone.ogg"); // placeholders only the room knows
    Path ogg = run.storage().resolve(file.getFilename());
    assertThat(file.getLocation()).isEqualTo(ogg.toString());
    assertThat(file.getSize()).isEqualTo(Files.size(ogg));
    var probed = Probe.info(ogg);
    assertThat(Probe.stream(probed, "audio").get("codec_name").asText()).isEqualTo("opus");
    assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(2.0, within(0.1));
    assertThat(file.getDuration() / 1e9).isCloseTo(2.0, within(0.1));
    assertThat(Probe.meanVolumeDb(ogg)).as("the tone is in the file").isGreaterThan(-30);
    assertThat(room.closed).isDone();
  }

  /** 1 s recorded, 1 s paused, 1 s recorded: what the file holds of the paused second. */
  private static Path pausedOgg(Path tmp, PauseMode mode) throws Exception {
    ScriptedRoom room = new ScriptedRoom(true);
    Run run = start(room, TrackSource.TRACK_TIMEOUT, tmp);
    room.flowing();
    room.publishTone(1.0);
    assertThat(run.runner().pause(mode)).isTrue();
    room.publishTone(1.0);
    assertThat(run.runner().resume()).isTrue();
    room.publishTone(1.0);
    room.listener.onTrackEnded("TR_a", "track unpublished");
    EgressInfo info = run.done().get(30, TimeUnit.SECONDS);
    assertThat(info.getStatus()).as(info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(info.getDetails()).matches("End reason: Source closed; paused \\d+\\.\\d s in 1 span \\(" + mode.label() + "\\)");
    return run.storage().resolve(info.getFileResults(0).getFilename());
  }

  @Test
  void aCutLeavesThePausedFramesOutAndTheTimeRunsOn(@TempDir Path tmp) throws Exception {
    Path ogg = pausedOgg(tmp, PauseMode.CUT);
    assertThat(Probe.info(ogg).get("format").get("duration").asDouble()).isCloseTo(2.0, within(0.1));
    assertThat(Probe.maxVolumeDb(ogg, 0.9, 0.2)).as("the tone across the cut").isGreaterThan(-20);
  }

  @Test
  void aGapKeepsThePausedSecondAsSilence(@TempDir Path tmp) throws Exception {
    Path ogg = pausedOgg(tmp, PauseMode.GAP);
    assertThat(Probe.info(ogg).get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
    assertThat(Probe.maxVolumeDb(ogg, 1.1, 0.8)).as("silence where it was paused").isLessThan(-60);
    assertThat(Probe.maxVolumeDb(ogg, 2.1, 0.8)).as("the tone after").isGreaterThan(-20);
  }

  @Test
  void givesTheEgressUpWhenAnotherInstanceTakesItsIdentity(@TempDir Path tmp) throws Exception {
    ScriptedRoom room = new ScriptedRoom(true);
    Run run = start(room, TrackSource.TRACK_TIMEOUT, tmp);
    room.flowing();
    room.publishTone(0.5);
    CompletableFuture<Void> relinquished = new CompletableFuture<>();
    run.session().onRelinquished(() -> relinquished.complete(null));

    room.listener.onReplaced();

    relinquished.get(10, TimeUnit.SECONDS);
    assertThat(room.closed).isDone();
    assertThat(run.updates()).extracting(EgressInfo::getStatus).doesNotContain(EgressStatus.EGRESS_COMPLETE,
        EgressStatus.EGRESS_FAILED, EgressStatus.EGRESS_ENDING);
    assertThat(run.storage().resolve("rec")).doesNotExist(); // nothing stored: the other instance records it
  }

  @Test
  void aTrackNotInTheRoomFailsNotFound(@TempDir Path tmp) throws Exception {
    ScriptedRoom room = new ScriptedRoom(false);
    Run run = start(room, Duration.ZERO, tmp);
    EgressInfo info = run.done().get(10, TimeUnit.SECONDS);
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(info.getError()).isEqualTo("track TR_a not found");
    assertThat(info.getErrorCode()).isEqualTo(404);
    assertThat(room.closed).isDone();
  }

  @Test
  void aRefusedSubscriptionBeforeAnyMediaFails(@TempDir Path tmp) throws Exception {
    ScriptedRoom room = new ScriptedRoom(true);
    Run run = start(room, TrackSource.TRACK_TIMEOUT, tmp);
    room.subscribed.get(10, TimeUnit.SECONDS);
    room.listener.onSubscriptionFailed("TR_a", "SE_CODEC_UNSUPPORTED");
    EgressInfo info = run.done().get(10, TimeUnit.SECONDS);
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(info.getError()).isEqualTo("cannot subscribe to track TR_a: SE_CODEC_UNSUPPORTED");
  }

  @Test
  void aLostConnectionFailsButKeepsWhatWasRecorded(@TempDir Path tmp) throws Exception {
    ScriptedRoom room = new ScriptedRoom(true);
    Run run = start(room, TrackSource.TRACK_TIMEOUT, tmp);
    room.flowing();
    room.publishTone(1.0);
    room.listener.onConnectionLost("signal connection lost after 10 resume attempts");

    EgressInfo info = run.done().get(30, TimeUnit.SECONDS);
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(info.getError()).isEqualTo("recording ended early: connection to room failed");
    Path ogg = run.storage().resolve(info.getFileResults(0).getFilename());
    assertThat(Probe.info(ogg).get("format").get("duration").asDouble()).isCloseTo(1.0, within(0.1));
  }
}
