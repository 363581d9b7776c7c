package io.egressjava.server;

import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that asks for a password, with livekit-server and the packaged server both configured for
 * it (and for database 2), as production Redis usually is: the server comes up, takes livekit-server's
 * StartEgress and StopEgress and reports the egress's end back. Before, the server ignored
 * {@code redis.password}, {@code username}, {@code db} and {@code use_tls}. Sentinel addresses
 * without the master's name are refused at start with the key named (Sentinel and Cluster:
 * {@link RedisHaIT}).
 */
class RedisAuthIT {

  @Test
  void passwordProtectedRedisCarriesRequestsBothWays(@TempDir Path tmp) throws Exception {
    try (RedisServer redis = new RedisServer("s3cret-pw").start();
        LiveKitServer livekit = new LiveKitServer(redis.address(), "password: s3cret-pw\ndb: 2").start()) {
      int health = Ports.free();
      String config = String.join("\n", "api_key: " + LiveKitServer.API_KEY, "api_secret: " + LiveKitServer.API_SECRET,
          "ws_url: " + livekit.wsUrl(), "redis: {address: " + redis.address() + ", password: s3cret-pw, db: 2}",
          "health_port: " + health, "bind_address: 127.0.0.1", "cpu_cost: {track_cpu_cost: 0.1}");
      Path log = Path.of("target", "redis-auth-it-server.log");
      Process server = start(tmp, config, log);
      try {
        Ports.await(Duration.ofSeconds(30), "the server's health port (log: " + log + ")", () -> {
          if (!server.isAlive()) {
            throw new IllegalStateException("egress-server exited: " + read(log));
          }
          return Ports.accepts(health);
        });
        RoomServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET)
            .createRoom("auth-room").execute();
        EgressServiceClient client = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
            LiveKitServer.API_SECRET);
        EgressInfo started = ok(client.startTrackEgress("auth-room", LivekitEgress.DirectFileOutput.newBuilder()
            .setFilepath(tmp.resolve("out/track").toString()).build(), "TR_nobody").execute());
        assertThat(started.getEgressId()).startsWith("EG_");
        assertThat(read(log)).as("our server took it").contains(started.getEgressId());
        EgressInfo stopped = ok(client.stopEgress(started.getEgressId()).execute());
        assertThat(stopped.getEgressId()).isEqualTo(started.getEgressId());
        Ports.await(Duration.ofSeconds(30), "the egress's end reported to livekit-server", () -> {
          try {
            List<EgressInfo> listed = client.listEgress("auth-room", started.getEgressId(), false).execute().body();
            return listed != null && !listed.isEmpty() && EgressSession.isTerminal(listed.get(0).getStatus());
          } catch (java.io.IOException e) {
            return false;
          }
        });
      } finally {
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
        server.destroyForcibly();
      }

      // Sentinels without the master's name: a startup error naming the key
      Process refused = start(tmp, String.join("\n", "api_key: k", "api_secret: s", "ws_url: ws://127.0.0.1:1",
          "redis: {sentinel_addresses: [127.0.0.1:26379]}"), tmp.resolve("refused.log"));
      assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(refused.exitValue()).isEqualTo(2);
      assertThat(read(tmp.resolve("refused.log"))).contains("redis.sentinel_master_name");
    }
  }

  private static Process start(Path tmp, String config, Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target/egress-server.jar").toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("EGRESS_CONFIG_BODY", config);
    return pb.start();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
