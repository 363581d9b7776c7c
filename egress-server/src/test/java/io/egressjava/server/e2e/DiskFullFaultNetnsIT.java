package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: the spool's disk fills up while two track composites record to MP4 from the packaged
 * server. The spool ({@code tmp_dir}) is a 64 MB tmpfs; once both run, something else takes all
 * but a little over {@code tmp_dir_min_free_mb} of it. The egress holding the most in the spool ends
 * LIMIT_REACHED with its recording stored and the disk named as the reason; the other goes on and
 * completes whole, and nothing is left in the spool.
 */
@ExtendWith(LiveKitRig.class)
class DiskFullFaultNetnsIT {
  private static final int MIN_FREE_MB = 8;

  @Test
  void theLargestEgressGivesWayAndTheOtherGoesOn(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "fault-disk-full";
    Path spool = Files.createDirectories(tmp.resolve("spool"));
    mountTmpfs(spool, 64);
    try {
      Shipped.createRoom(rig, room);
      EgressServiceClient client = Shipped.egressClient(rig);
      try (PackagedServer server = new PackagedServer(room, rig, tmp.resolve("server"), "",
          "tmp_dir: " + spool + "\ntmp_dir_min_free_mb: " + MIN_FREE_MB);
          PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000", "--video",
              "640x360");
          StatusWatch watch = new StatusWatch(client, room)) {
        Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("alice");
        EgressInfo first = Shipped.startTrackCompositeMp4(client, room, tracks, tmp.resolve("out/first.mp4"));
        long firstActive = Shipped.awaitAllActive(watch, List.of(first)).get(first.getEgressId());
        Thread.sleep(8_000); // the first one holds the most: 8 s more of the same
        EgressInfo second = Shipped.startTrackCompositeMp4(client, room, tracks, tmp.resolve("out/second.mp4"));
        long secondActive = Shipped.awaitAllActive(watch, List.of(second)).get(second.getEgressId());
        Thread.sleep(2_000);

        // the test pattern compresses to a few tens of kbps whatever the bitrate asked: a quarter MB
        // above the limit is what the two egresses fill within seconds
        long filler = Files.getFileStore(spool).getUsableSpace() - MIN_FREE_MB * 1024L * 1024 - 256 * 1024;
        try (RandomAccessFile f = new RandomAccessFile(spool.resolve("filler").toFile(), "rw")) {
          byte[] chunk = new byte[1 << 20];
          for (long left = filler; left > 0; left -= chunk.length) {
            f.write(chunk, 0, (int) Math.min(left, chunk.length));
          }
        }
        System.out.printf("spool filled: %d kB free%n", Files.getFileStore(spool).getUsableSpace() >> 10);

        Shipped.awaitStatus(watch, first.getEgressId(), Duration.ofSeconds(90), "ended by the full disk",
            s -> s == EgressStatus.EGRESS_LIMIT_REACHED || s == EgressStatus.EGRESS_FAILED
                || s == EgressStatus.EGRESS_COMPLETE);
        EgressInfo firstEnd = Shipped.awaitEnd(watch, first.getEgressId());
        Long firstEnding = watch.firstSeen(first.getEgressId(), EgressStatus.EGRESS_ENDING);
        double firstRecorded = ((firstEnding != null ? firstEnding : System.nanoTime()) - firstActive) / 1e9;
        assertThat(watch.info(second.getEgressId()).getStatus()).as("the other egress").isEqualTo(EgressStatus.EGRESS_ACTIVE);
        Thread.sleep(8_000); // it goes on
        EgressInfo secondEnd = Shipped.stop(client, watch, second.getEgressId());
        double secondRecorded = (watch.firstSeen(second.getEgressId(), EgressStatus.EGRESS_ENDING) - secondActive) / 1e9;

        System.out.printf("first: %s '%s' %s%nsecond: %s%n", firstEnd.getStatus(), firstEnd.getError(), firstEnd.getDetails(),
            secondEnd.getStatus());
        Path firstMp4 = Path.of(firstEnd.getFileResults(0).getLocation());
        Path secondMp4 = Path.of(secondEnd.getFileResults(0).getLocation());
        double firstSeconds = Shipped.probedSeconds(firstMp4);
        double secondSeconds = Shipped.probedSeconds(secondMp4);
        Shipped.printFaultTable(List.of(
            String.format(Locale.ROOT, "| spool disk full (64 MB tmpfs, tmp_dir_min_free_mb %d) | track composite, MP4, the first"
                + " | %s (%s) | %.1f of %.1f s | %d B |", MIN_FREE_MB, firstEnd.getStatus().name().substring(7),
                firstEnd.getError(), firstSeconds, firstRecorded, Files.size(firstMp4)),
            String.format(Locale.ROOT, "| the same, another egress | track composite, MP4, 8 s later | %s | %.1f of %.1f s | %d B |",
                secondEnd.getStatus().name().substring(7), secondSeconds, secondRecorded, Files.size(secondMp4))));

        assertThat(firstEnd.getStatus()).as(firstEnd.getError()).isEqualTo(EgressStatus.EGRESS_LIMIT_REACHED);
        assertThat(firstEnd.getError()).contains("spool disk full");
        assertThat(firstSeconds).as("seconds kept of %.1f recorded", firstRecorded).isGreaterThan(firstRecorded - 2.0);
        assertThat(secondEnd.getStatus()).as(secondEnd.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
        assertThat(secondSeconds).as("seconds kept of %.1f recorded", secondRecorded).isGreaterThan(secondRecorded - 2.0);
        Shipped.awaitStatus(watch, second.getEgressId(), Duration.ofSeconds(1), "complete", s -> s == EgressStatus.EGRESS_COMPLETE);
        Shipped.awaitSpoolGone(spool, first.getEgressId());
        Shipped.awaitSpoolGone(spool, second.getEgressId());
      }
    } finally {
      unmount(spool);
    }
  }


  private static void mountTmpfs(Path dir, int megabytes) throws Exception {
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
  }

  private static void unmount(Path dir) throws Exception {
    run("umount", "-l", dir.toString());
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("%s: %s", String.join(" ", cmd), out).isTrue();
  }
}
