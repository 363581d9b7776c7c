package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: livekit-server is SIGKILLed in the middle of a track composite from the packaged server
 * and started again 3 s later (same ports, same Redis). The room the egress recorded is gone with
 * the process: the egress must end by itself, with what it recorded stored, the reason stated, and
 * its end reported to the restarted livekit-server. Prints the fault table.
 */
@ExtendWith(LiveKitRig.class)
class LiveKitRestartFaultNetnsIT {

  @Test
  void aLiveKitServerCrashEndsTheEgressWithItsFile(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "fault-livekit-restart";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PackagedServer server = new PackagedServer(room, rig, tmp.resolve("server"), "", "");
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000", "--video",
            "640x360");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("alice");
      Path out = tmp.resolve("out/" + room + ".mp4");
      EgressInfo started = Shipped.startTrackCompositeMp4(client, room, tracks, out);
      String id = started.getEgressId();
      long activeAt = Shipped.awaitAllActive(watch, List.of(started)).get(id);
      Thread.sleep(8_000);
      rig.livekit().kill();
      long killedAt = System.nanoTime();
      Thread.sleep(3_000);
      rig.livekit().start();
      long restartedAt = System.nanoTime();

      Shipped.awaitStatus(watch, id, Duration.ofSeconds(120), "ended after the restart", EgressSession::isTerminal);
      EgressInfo end = watch.info(id);
      double endedAfter = (System.nanoTime() - restartedAt) / 1e9;
      double recorded = (killedAt - activeAt) / 1e9;
      System.out.printf(Locale.ROOT, "ended %.1f s after the restart: %s '%s' %s%n", endedAfter, end.getStatus(),
          end.getError(), end.getDetails());
      assertThat(end.getFileResultsCount()).as("file results of %s", end).isEqualTo(1);
      Path mp4 = Path.of(end.getFileResults(0).getLocation());
      double seconds = Shipped.probedSeconds(mp4);
      Shipped.printFaultTable(List.of(String.format(Locale.ROOT,
          "| livekit-server SIGKILLed, started again 3 s later | track composite, MP4 | %s%s, ended %.1f s after the restart"
              + " | %.1f of %.1f s before the kill | %d B |", end.getStatus().name().substring(7),
          end.getError().isEmpty() ? "" : " (" + end.getError() + ")", endedAfter, seconds, recorded, Files.size(mp4))));
      if (end.getStatus() != EgressStatus.EGRESS_COMPLETE) {
        assertThat(end.getError()).as("the reason it ended").isNotEmpty();
      }
      assertThat(seconds).as("seconds kept of %.1f recorded before the kill", recorded).isGreaterThan(recorded - 2.0);
    }
  }
}
