package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import retrofit2.Response;

/** livekit-server drives egress-server over Redis, requests made through the Kotlin SDK as users do. */
@ExtendWith(LiveKitRig.class)
class ControlPlaneIT {

  static EgressConfig config(LiveKitRig rig, String extra) {
    return EgressConfigLoader.fromYaml(String.join("\n",
        "api_key: " + LiveKitServer.API_KEY,
        "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + rig.livekit().wsUrl(),
        "redis: {address: " + rig.redis().address() + "}",
        extra), Map.of()).config();
  }

  static EgressService service(LiveKitRig rig, RedisBus bus, String extraConfig) {
    return new EgressService(config(rig, extraConfig), bus, ScriptedRunner::new, Clock.systemUTC(), 2.0).start();
  }

  static EgressServiceClient egressClient(LiveKitRig rig) {
    return EgressServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET);
  }

  static void createRoom(LiveKitRig rig, String name) throws IOException {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    Response<?> r = rooms.createRoom(name).execute();
    assertThat(r.isSuccessful()).as("createRoom %s", name).isTrue();
  }

  static <T> T ok(Response<T> r) throws IOException {
    assertThat(r.isSuccessful()).as("HTTP %s: %s", r.code(), r.errorBody() == null ? "" : r.errorBody().string()).isTrue();
    return r.body();
  }

  static Optional<EgressInfo> listed(EgressServiceClient client, String room, String egressId) throws IOException {
    return ok(client.listEgress(room).execute()).stream().filter(i -> i.getEgressId().equals(egressId)).findFirst();
  }

  static void awaitStatus(EgressServiceClient client, String room, String egressId, EgressStatus status) {
    Ports.await(Duration.ofSeconds(10), egressId + " to be " + status, () -> {
      try {
        return listed(client, room, egressId).map(i -> i.getStatus() == status).orElse(false);
      } catch (IOException e) {
        return false;
      }
    });
  }

  static RedisBus bus(LiveKitRig rig) {
    return new RedisBus(RedisBus.Endpoint.of(rig.redis().address()));
  }

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
}
