package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.server.spool.SpoolRecovery;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Fault: the packaged service SIGKILLed mid-recording, then started again on the same spool
 * ({@code tmp_dir}). Its handlers either outlive it — they end their egresses, store the files, and
 * the restarted service reports what they journaled — or die with it (the whole process tree
 * killed): then the restarted service finalizes, stores and reports the files itself, FAILED with
 * the reason. Either way every egress is reported within 30 s of the restart and the spool is
 * left empty. Prints the fault table.
 */
@ExtendWith(LiveKitRig.class)
class ServiceKillFaultNetnsIT {
  private static final double MAX_LOST_SECONDS = 2.0;
  private static final Duration REPORTED_WITHIN = Duration.ofSeconds(30);

  @Test
  void handlersOutliveTheServiceAndTheRestartReportsTheirEnd(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    run(rig, tmp, "fault-service-kill", false);
  }

  @Test
  void theWholeTreeKilledIsRecoveredFromTheSpoolByTheRestart(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    run(rig, tmp, "fault-tree-kill", true);
  }

  private void run(LiveKitRig rig, Path tmp, String room, boolean handlersToo) throws Exception {
    int killAt = Integer.getInteger("fault.kill.seconds", 10);
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    Path dir = tmp.resolve("server");
    try (Stores stores = new Stores();
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000", "--video",
            "640x360");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("alice");
      Map<String, EgressInfo> started = new LinkedHashMap<>();
      Map<String, Long> activeAt = new LinkedHashMap<>();
      List<ProcessHandle> handlers;
      long killedAt;
      PackagedServer first = new PackagedServer(room, rig, dir, "", "");
      try {
        started.put("track composite", ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
            .setFilepath("fault/tc-{room_name}.mp4").setS3(stores.s3Upload()).build(), tracks.get("audio/opus"),
            tracks.get("video/vp8"), null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360)
                .setFramerate(25).setVideoBitrate(1000).build()).execute()));
        started.put("track", ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
            .setFilepath("fault/track-{track_id}").setS3(stores.s3Upload()).build(), tracks.get("audio/opus")).execute()));
        activeAt.putAll(Shipped.awaitAllActive(watch, started.values()));
        Thread.sleep(killAt * 1000L);
        handlers = first.descendants();
        assertThat(handlers).as("the handler").isNotEmpty();
        if (handlersToo) {
          handlers.forEach(ProcessHandle::destroyForcibly);
        }
        first.killService();
        killedAt = System.nanoTime();
      } finally {
        first.close();
      }
      Thread.sleep(1_000); // down for a moment

      long restartedAt;
      List<String> table = new ArrayList<>();
      try (PackagedServer second = new PackagedServer(room + "-restarted", rig, dir, "", "")) {
        restartedAt = System.nanoTime();
        for (Map.Entry<String, EgressInfo> entry : started.entrySet()) {
          String id = entry.getValue().getEgressId();
          Shipped.awaitStatus(watch, id, REPORTED_WITHIN.plusSeconds(5), "reported after the restart",
              s -> s == EgressStatus.EGRESS_FAILED || s == EgressStatus.EGRESS_COMPLETE);
          EgressInfo end = Shipped.awaitEnd(watch, id);
          double reportedAfter = (System.nanoTime() - restartedAt) / 1e9;
          if (handlersToo) {
            assertThat(end.getStatus()).as(entry.getKey()).isEqualTo(EgressStatus.EGRESS_FAILED);
            assertThat(end.getError()).isEqualTo(SpoolRecovery.ERROR);
          } else {
            assertThat(end.getStatus()).as("%s: %s", entry.getKey(), end.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
          }
          assertThat(end.getFileResultsList()).as("%s: its recording, in the results", entry.getKey()).hasSize(1);
          LivekitEgress.FileInfo file = end.getFileResults(0);
          Path got = stores.fetch(file.getLocation(), tmp.resolve("got"));
          assertThat(Files.size(got)).isEqualTo(file.getSize());
          double kept = Shipped.probedSeconds(got);
          double recorded = (killedAt - activeAt.get(id)) / 1e9;
          table.add(String.format(Locale.ROOT, "| SIGKILL of the service%s at %d s, restart | %s | %s%s, %d file, reported %.1f s"
              + " after the restart | %.1f of %.1f s | %d B |", handlersToo ? " and its handlers" : "", killAt,
              entry.getKey(), end.getStatus().name().substring(7), end.getError().isEmpty() ? "" : " \"" + end.getError() + "\"",
              end.getFileResultsCount(), reportedAfter, kept, recorded, file.getSize()));
          assertThat(kept).as("%s: seconds kept of %.1f recorded", entry.getKey(), recorded)
              .isGreaterThanOrEqualTo(recorded - MAX_LOST_SECONDS);
        }
        // nothing left behind: no spool, no process of the first run
        Path spool = dir.resolve("tmp/egress-java");
        for (EgressInfo e : started.values()) {
          Shipped.awaitSpoolGone(spool, e.getEgressId());
        }
        for (ProcessHandle h : handlers) {
          h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
      Shipped.printFaultTable(table);
    }
  }
}
