package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import retrofit2.Response;

/** Shared pieces of the control-plane ITs: configs, services, and the Kotlin SDK used as users do. */
final class ItSupport {
  private ItSupport() {}

  static EgressConfig config(LiveKitRig rig, String extra) {
    return EgressConfigLoader.fromYaml(configYaml(rig, extra), Map.of()).config();
  }

  /** The YAML of {@link #config}: keys for the rig's livekit-server and Redis, then {@code extra}. */
  static String configYaml(LiveKitRig rig, String extra) {
    return String.join("\n",
        "api_key: " + LiveKitServer.API_KEY,
        "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + rig.livekit().wsUrl(),
        "redis: {address: " + rig.redis().address() + "}",
        extra);
  }

  /** mime (lower case) → track SID of everything published in the room. */
  static Map<String, String> tracksByMime(LiveKitRig rig, String room) throws Exception {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    Map<String, String> out = new java.util.TreeMap<>();
    for (LivekitModels.ParticipantInfo p : ok(rooms.listParticipants(room).execute())) {
      for (LivekitModels.TrackInfo t : p.getTracksList()) {
        out.put(t.getMimeType().toLowerCase(java.util.Locale.ROOT), t.getSid());
      }
    }
    return out;
  }

  /** {@link #tracksByMime} once at least {@code count} tracks are published (waits up to 10 s). */
  static Map<String, String> awaitTracksByMime(LiveKitRig rig, String room, int count) throws Exception {
    Map<String, String> tracks = tracksByMime(rig, room);
    for (int i = 0; i < 100 && tracks.size() < count; i++) {
      Thread.sleep(100);
      tracks = tracksByMime(rig, room);
    }
    return tracks;
  }

  /** A service with this machine's 2 cores; room composites are made to fit (the reference reserves 4 cores). */
  static EgressService service(LiveKitRig rig, RedisBus bus, String extraConfig) {
    String costs = extraConfig.contains("cpu_cost") ? extraConfig : extraConfig + "\ncpu_cost: {room_composite_cpu_cost: 1}";
    return new EgressService(config(rig, costs), bus, ScriptedRunner::new, Clock.systemUTC(), 2.0).start();
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
    awaitStatus(client, room, egressId, Duration.ofSeconds(10), status.toString(), s -> s == status);
  }

  /** Waits until livekit-server lists the egress with a status that {@code wanted} accepts. */
  static void awaitStatus(EgressServiceClient client, String room, String egressId, Duration timeout, String what,
      java.util.function.Predicate<EgressStatus> wanted) {
    Ports.await(timeout, egressId + " to be " + what, () -> {
      try {
        return listed(client, room, egressId).map(i -> wanted.test(i.getStatus())).orElse(false);
      } catch (IOException e) {
        return false;
      }
    });
  }

  static RedisBus bus(LiveKitRig rig) {
    return new RedisBus(RedisBus.Endpoint.of(rig.redis().address()));
  }


  /** Makes test media with the bundled ffmpeg CLI; the last argument is the output file. */
  static void encode(String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        io.egressjava.media.ffmpeg.Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error"));
    cmd.addAll(java.util.List.of(args));
    String log = io.egressjava.media.ffmpeg.Probe.run(cmd);
    assertThat(java.nio.file.Path.of(args[args.length - 1])).as(log).exists();
  }

  /** A service with the real runners, and what it needs closed after it. */
  record MediaService(EgressService service, MediaRunners runners, RedisBus bus) implements AutoCloseable {
    @Override
    public void close() {
      service.close();
      runners.close();
      bus.close();
    }
  }
}
