package io.egressjava.server;

import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
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
 * Redis behind Sentinel, as HA LiveKit deployments run it: livekit-server and the packaged server
 * both find the master through three real Sentinels. A web egress records; the master is killed
 * mid-recording and Sentinel promotes the replica; the StopEgress sent after the failover reaches
 * the egress, which completes with its file, and its end reaches livekit-server.
 */
class RedisSentinelIT {

  @Test
  void aFailoverMidRecordingLosesNeitherRequestsNorTheResult(@TempDir Path tmp) throws Exception {
    try (RedisSentinels redis = new RedisSentinels().start();
        LiveKitServer livekit = new LiveKitServer("127.0.0.1:" + redis.masterPort(), "sentinel_master_name: "
            + RedisSentinels.MASTER + "\nsentinel_addresses: [" + String.join(", ", redis.addresses()) + "]").start();
        TestPages pages = new TestPages()) {
      int health = Ports.free();
      String config = String.join("\n", "api_key: " + LiveKitServer.API_KEY, "api_secret: " + LiveKitServer.API_SECRET,
          "ws_url: " + livekit.wsUrl(), "redis:", "  sentinel_master_name: " + RedisSentinels.MASTER,
          "  sentinel_addresses: [" + String.join(", ", redis.addresses()) + "]", "health_port: " + health,
          "bind_address: 127.0.0.1", "template_port: " + Ports.free(), "cpu_cost: {web_cpu_cost: 1}");
      Path log = Path.of("target", "redis-sentinel-it-server.log");
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
            LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("failover.mp4").toString()).build(),
            null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).build(), false, false, false)
            .execute());
        String id = started.getEgressId();
        Ports.await(Duration.ofSeconds(30), "the egress to record", () -> status(client, id) == EgressStatus.EGRESS_ACTIVE);
        Thread.sleep(2_000);

        int oldMaster = redis.masterPort();
        long killed = System.nanoTime();
        redis.failOver(Duration.ofSeconds(30));
        System.out.printf("failover: master %d -> %d in %.1f s%n", oldMaster, redis.masterPort(), (System.nanoTime() - killed) / 1e9);
        Thread.sleep(2_000); // recording on through the new master

        // StopEgress after the failover: livekit-server and the egress both on the new master
        ok(client.stopEgress(id).execute());
        Ports.await(Duration.ofSeconds(60), "the egress's end to reach livekit-server", () -> {
          EgressStatus s = status(client, id);
          return s == EgressStatus.EGRESS_COMPLETE || s == EgressStatus.EGRESS_FAILED || s == EgressStatus.EGRESS_ABORTED;
        });
        EgressInfo done = ok(client.listEgress(null, id, false).execute()).get(0);
        assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
        double seconds = done.getFileResults(0).getDuration() / 1e9;
        System.out.printf("recorded %.1f s across the failover, %d bytes%n", seconds, done.getFileResults(0).getSize());
        assertThat(seconds).as("the recording went on through the failover").isGreaterThan(4);
        assertThat(read(log)).as("the server took it once").containsOnlyOnce("egress " + id + " started");
      } finally {
        server.destroy();
        server.waitFor(60, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
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
