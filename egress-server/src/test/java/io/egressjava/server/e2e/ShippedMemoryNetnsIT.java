package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.server.ProcessMemory;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory admission and protection from the packaged server ({@code max_memory}, {@code
 * memory_source: cgroup}): when the node's cgroup goes over {@code max_memory} (here: another
 * process in it takes 3 GB), the running egress is ended as the reference ends it — FAILED, "OOM:
 * N.NN GB used", 403 — but with its file finalized, stored and listed; while memory stays high no
 * request is claimed, and once it is freed requests are taken again.
 */
@ExtendWith(LiveKitRig.class)
class ShippedMemoryNetnsIT {
  private static final double GB = 1024.0 * 1024 * 1024;

  @Test
  void outOfMemoryEndsTheLargestEgressWithItsFileKept(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    ProcessMemory.Cgroup cgroup = ProcessMemory.Cgroup.ofThisProcess()
        .orElseThrow(() -> new AssertionError("no readable memory cgroup: /proc/self/cgroup names none under /sys/fs/cgroup"));
    double usedGb = cgroup.workingSet().orElseThrow() / GB;
    // room for the service, its handler and the test's own growth (admission keeps 1 GB free), not for 3 GB more
    double maxMemory = usedGb + 2.0;
    Path ivf = Shipped.vp8Ivf(tmp.resolve("vp8.ivf"), "640x360", 60, "600k", 30);
    String room = "shipped-memory";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    String costs = PackagedServer.CPU_COST
        + String.format(Locale.ROOT, ", max_memory: %.3f, memory_source: cgroup}", maxMemory);
    Process hog = null;
    try (PackagedServer server = new PackagedServer("shipped-memory", rig, tmp.resolve("server"), "", costs);
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "cam", false, ivf);
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, Map<String, String>> tracks = Shipped.awaitTracks(rig, room, 1);
      String track = tracks.get("cam").get("video/vp8");
      EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/{track_id}").toString()).build(), track).execute());
      watch.note(started);
      Shipped.awaitActive(watch, started.getEgressId());
      Thread.sleep(4_000);

      hog = new ProcessBuilder("python3", "-c",
          "import time; b = b'\\x01' * (3 * 1024 ** 3); print('ok', flush=True); time.sleep(120)").start();
      assertThat(new String(hog.getInputStream().readNBytes(2))).isEqualTo("ok");
      Shipped.awaitStatus(watch, started.getEgressId(), Duration.ofSeconds(30), "ended for memory",
          s -> s == EgressStatus.EGRESS_FAILED || s == EgressStatus.EGRESS_COMPLETE);
      EgressInfo ended = Shipped.awaitEnd(watch, started.getEgressId());
      System.out.printf("max_memory %.2f GB; ended: %s (%d), statuses %s%n", maxMemory, ended.getError(),
          ended.getErrorCode(), watch.statuses(started.getEgressId()));
      assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
      assertThat(ended.getError()).matches("OOM: \\d+\\.\\d\\d GB used");
      assertThat(ended.getErrorCode()).isEqualTo(403);
      assertThat(ended.getDetails()).isEqualTo("End reason: Failure");

      // what it recorded is kept: finalized, stored where asked, listed with its size and duration
      assertThat(ended.getFileResultsList()).hasSize(1);
      LivekitEgress.FileInfo file = ended.getFileResults(0);
      Path stored = Path.of(file.getLocation());
      assertThat(Files.size(stored)).isEqualTo(file.getSize()).isGreaterThan(0);
      assertThat(Shipped.codec(stored, "video")).isEqualTo("vp8");
      assertThat(Shipped.probedSeconds(stored)).as("seconds kept").isGreaterThan(4.0);
      Shipped.assertReportedDuration(file.getDuration(), stored);

      // memory still over: no request is claimed; freed: they are taken again
      // (livekit-server waits for a claim longer than the SDK client waits for its answer)
      try {
        var refused = client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
            .setFilepath(tmp.resolve("out/refused-{track_id}").toString()).build(), track).execute();
        assertThat(refused.isSuccessful()).as("claimed while memory is over max_memory").isFalse();
      } catch (java.net.SocketTimeoutException e) {
        System.out.println("StartEgress while over max_memory: no answer within the client's timeout");
      }
      assertThat(ok(client.listEgress(room).execute())).as("no egress but the one ended")
          .extracting(EgressInfo::getEgressId).containsExactly(started.getEgressId());
      hog.destroyForcibly().waitFor();
      Thread.sleep(2_000); // a sample or two
      EgressInfo again = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/again-{track_id}").toString()).build(), track).execute());
      watch.note(again);
      Shipped.awaitActive(watch, again.getEgressId());
      Thread.sleep(3_000);
      Shipped.assertComplete(Shipped.stop(client, watch, again.getEgressId()));
    } finally {
      if (hog != null) {
        hog.destroyForcibly();
      }
    }
  }
}
