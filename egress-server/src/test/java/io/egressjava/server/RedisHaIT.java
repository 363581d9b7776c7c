package io.egressjava.server;

import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisCluster;
import io.egressjava.testrig.RedisSentinels;
import io.livekit.server.EgressServiceClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis as HA LiveKit deployments run it, livekit-server and the packaged server configured alike.
 * Behind three real Sentinels: a web egress records, the master is killed mid-recording and the
 * replica promoted; the StopEgress sent after the failover reaches the egress, which completes with
 * its file, and its end reaches livekit-server. On a three-node Redis Cluster: the same egress,
 * requests and updates routed through the cluster.
 */
class RedisHaIT {

  @Test
  void aSentinelFailoverMidRecordingLosesNeitherRequestsNorTheResult(@TempDir Path tmp) throws Exception {
    try (RedisSentinels redis = new RedisSentinels().start()) {
      String sentinel = "sentinel_master_name: " + RedisSentinels.MASTER + "\nsentinel_addresses: ["
          + String.join(", ", redis.addresses()) + "]";
      double seconds = recordAcross("127.0.0.1:" + redis.masterPort(), sentinel, tmp, "redis-sentinel-it-server.log", () -> {
        int oldMaster = redis.masterPort();
        long killed = System.nanoTime();
        redis.failOver(Duration.ofSeconds(30));
        System.out.printf("failover: master %d -> %d in %.1f s%n", oldMaster, redis.masterPort(), (System.nanoTime() - killed) / 1e9);
      });
      assertThat(seconds).as("the recording went on through the failover").isGreaterThan(4);
    }
  }

  @Test
  void aRedisClusterCarriesRequestsAndUpdates(@TempDir Path tmp) throws Exception {
    try (RedisCluster redis = new RedisCluster().start()) {
      String cluster = "cluster_addresses: [" + String.join(", ", redis.addresses()) + "]";
      double seconds = recordAcross(redis.addresses().get(0), cluster, tmp, "redis-cluster-it-server.log", () -> { });
      assertThat(seconds).isGreaterThan(2);
    }
  }

  /**
   * livekit-server and the packaged server on this Redis ({@code redisSection}: lines of their
   * {@code redis:} sections), a web egress started, {@code meanwhile} run while it records, then
   * stopped: it must complete with its file. Returns the seconds recorded.
   */
  private static double recordAcross(String address, String redisSection, Path tmp, String logName, Meanwhile meanwhile)
      throws Exception {
    try (LiveKitServer livekit = new LiveKitServer(address, redisSection).start(); TestPages pages = new TestPages()) {
      int health = Ports.free();
      String config = String.join("\n", "api_key: " + LiveKitServer.API_KEY, "api_secret: " + LiveKitServer.API_SECRET,
          "ws_url: " + livekit.wsUrl(), "redis:", redisSection.indent(2).stripTrailing(), "health_port: " + health,
          "bind_address: 127.0.0.1", "template_port: " + Ports.free(), "cpu_cost: {web_cpu_cost: 1}");
      Path log = Path.of("target", logName);
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target/egress-server.jar").toAbsolutePath().toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("EGRESS_CONFIG_BODY", config);
      Process server = pb.start();
      try {
        Ports.await(Duration.ofSeconds(30), "the server's health port (log: " + log + ")", () -> {
          if (!server.isAlive()) {
            throw new IllegalStateException("egress-server exited: " + read(log));
          }
          return Ports.accepts(health);
        });
        EgressServiceClient client = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
            LiveKitServer.API_SECRET);
        EgressInfo started = ok(client.startWebEgress(pages.url("/pattern.html"),
            LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("ha.mp4").toString()).build(),
            null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).build(), false, false, false)
            .execute());
        String id = started.getEgressId();
        Ports.await(Duration.ofSeconds(30), "the egress to record", () -> status(client, id) == EgressStatus.EGRESS_ACTIVE);
        Thread.sleep(2_000);
        meanwhile.run();
        Thread.sleep(2_000); // recording on

        ok(client.stopEgress(id).execute());
        Ports.await(Duration.ofSeconds(60), "the egress's end to reach livekit-server", () -> {
          EgressStatus s = status(client, id);
          return s == EgressStatus.EGRESS_COMPLETE || s == EgressStatus.EGRESS_FAILED || s == EgressStatus.EGRESS_ABORTED;
        });
        EgressInfo done = ok(client.listEgress(null, id, false).execute()).get(0);
        assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
        double seconds = done.getFileResults(0).getDuration() / 1e9;
        System.out.printf("%s: recorded %.1f s, %d bytes%n", logName, seconds, done.getFileResults(0).getSize());
        assertThat(read(log)).as("the server took it once").containsOnlyOnce("egress " + id + " started");
        return seconds;
      } finally {
        server.destroy();
        server.waitFor(60, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
  }

  /** What happens to Redis while the egress records. */
  private interface Meanwhile {
    void run() throws Exception;
  }

  private static EgressStatus status(EgressServiceClient client, String id) {
    try {
      List<EgressInfo> list = client.listEgress(null, id, false).execute().body();
      return list == null || list.isEmpty() ? null : list.get(0).getStatus();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
