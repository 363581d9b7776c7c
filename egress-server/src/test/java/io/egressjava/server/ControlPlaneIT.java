package io.egressjava.server;

import static io.egressjava.server.ItSupport.awaitStatus;
import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.createRoom;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.listed;
import static io.egressjava.server.ItSupport.ok;
import static io.egressjava.server.ItSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import retrofit2.Response;

/** livekit-server drives egress-server over Redis, requests made through the Kotlin SDK as users do. */
@ExtendWith(LiveKitRig.class)
class ControlPlaneIT {

  @Test
  void trackEgressStartListStop(LiveKitRig rig) throws IOException {
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "")) {
      createRoom(rig, "track-room");
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress("track-room",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("tracks/{track_id}").build(), "TR_abcdef").execute());
      assertThat(started.getEgressId()).startsWith("EG_");
      assertThat(started.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(started.getRoomName()).isEqualTo("track-room");
      assertThat(started.getRoomId()).startsWith("RM_");
      assertThat(started.getTrack().getTrackId()).isEqualTo("TR_abcdef");
      assertThat(svc.activeEgressIds()).containsExactly(started.getEgressId());

      awaitStatus(client, "track-room", started.getEgressId(), EgressStatus.EGRESS_ACTIVE);

      EgressInfo stopping = ok(client.stopEgress(started.getEgressId()).execute());
      assertThat(stopping.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
      assertThat(stopping.getDetails()).isEqualTo("End reason: StopEgress API");

      awaitStatus(client, "track-room", started.getEgressId(), EgressStatus.EGRESS_COMPLETE);
      EgressInfo done = listed(client, "track-room", started.getEgressId()).orElseThrow();
      assertThat(done.getEndedAt()).isPositive();
      Ports.await(Duration.ofSeconds(5), "egress to leave the active set", () -> svc.activeEgressIds().isEmpty());
    }
  }

  @Test
  void roomCompositeUpdateStreamAndLayout(LiveKitRig rig) throws IOException {
    ScriptedRunner.STREAM_UPDATES.clear();
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "")) {
      createRoom(rig, "composite-room");
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startRoomCompositeEgress("composite-room",
          LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP)
              .addUrls("rtmp://127.0.0.1:1935/live/first-key").build(), "grid").execute());
      assertThat(started.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(started.getRoomComposite().getLayout()).isEqualTo("grid");
      assertThat(started.getStreamResults(0).getUrl()).isEqualTo("rtmp://127.0.0.1:1935/live/{fir...key}");
      String id = started.getEgressId();
      awaitStatus(client, "composite-room", id, EgressStatus.EGRESS_ACTIVE);

      EgressInfo updated = ok(client.updateStream(id, List.of("rtmp://127.0.0.1:1935/live/second-key"),
          List.of("rtmp://127.0.0.1:1935/live/first-key")).execute());
      assertThat(ScriptedRunner.STREAM_UPDATES).containsExactly("+rtmp://127.0.0.1:1935/live/second-key",
          "-rtmp://127.0.0.1:1935/live/first-key");
      assertThat(updated.getStreamResultsList()).extracting(LivekitEgress.StreamInfo::getUrl)
          .contains("rtmp://127.0.0.1:1935/live/{sec...key}");
      Ports.await(Duration.ofSeconds(10), "listEgress to show the stream change", () -> {
        try {
          return listed(client, "composite-room", id).map(i -> i.getStreamResultsCount() == 2).orElse(false);
        } catch (IOException e) {
          return false;
        }
      });

      // UpdateLayout is served by livekit-server itself (participant metadata); it must not fail
      EgressInfo layout = ok(client.updateLayout(id, "speaker").execute());
      assertThat(layout.getEgressId()).isEqualTo(id);
      Ports.await(Duration.ofSeconds(5), "the egress participant's metadata to carry the layout",
          () -> "{\"layout\":\"speaker\"}".equals(ScriptedRunner.OWN_METADATA.get(id)));

      ok(client.stopEgress(id).execute());
      awaitStatus(client, "composite-room", id, EgressStatus.EGRESS_COMPLETE);
    }
  }

  @Test
  void invalidRequestsFailWithTheReferenceMessage(LiveKitRig rig) throws IOException {
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "")) {
      createRoom(rig, "invalid-room");
      Response<EgressInfo> r = egressClient(rig).startRoomCompositeEgress("invalid-room",
          LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP)
              .addUrls("rtmp://no-stream-key").build(), "grid").execute();
      assertThat(r.isSuccessful()).isFalse();
      String body = r.errorBody().string();
      assertThat(body).contains("invalid url rtmp://no-stream-key: rtmp urls must be of format");
      assertThat(r.code()).isEqualTo(400);
      assertThat(svc.activeEgressIds()).isEmpty();
    }
  }

  @Test
  void noCapacityFailsLikeTheGoEgress(LiveKitRig rig) throws IOException {
    // a track costs more than the machine has: every instance answers affinity -1 (no claim)
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "cpu_cost: {track_cpu_cost: 100}")) {
      createRoom(rig, "full-room");
      EgressServiceClient patient = EgressServiceClient.Companion.createClient(rig.livekit().httpUrl(),
          LiveKitServer.API_KEY, LiveKitServer.API_SECRET,
          () -> new okhttp3.OkHttpClient.Builder().readTimeout(Duration.ofSeconds(90)).build());
      long start = System.nanoTime();
      Response<EgressInfo> r = patient.startTrackEgress("full-room",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("x").build(), "TR_full").execute();
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertThat(r.isSuccessful()).isFalse();
      String body = r.errorBody().string();
      // livekit-server retries "no response from servers" (unavailable) and then reports it
      assertThat(body).contains("no response from servers");
      assertThat(r.code()).isEqualTo(503);
      assertThat(seconds).isLessThan(60);
      assertThat(svc.activeEgressIds()).isEmpty();
    }
  }
}
