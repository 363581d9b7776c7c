package io.egressjava.server.spool;

import static io.egressjava.server.spool.SpoolSalvageTest.CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.spool.SpoolJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted service finishes what the last run left: an egress whose process died with it is
 * salvaged and reported FAILED with its file; one its handler ended is reported as it ended; one
 * still held by a live process is left until it is let go. Each directory goes once reported.
 */
class SpoolRecoveryTest {
  private final List<EgressInfo> reported = java.util.Collections.synchronizedList(new ArrayList<>());

  private SpoolRecovery recovery() {
    return new SpoolRecovery(CONFIG, new SpoolSalvage(CONFIG, Path.of("/")), reported::add, Clock.systemUTC());
  }

  @Test
  void anEgressWhoseProcessDiedIsSalvagedAndReportedFailedWithItsFile(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out/a.mp4");
    Path work = tmp.resolve("work/EG_died");
    var request = SpoolSalvageTest.request("EG_died", out.toString());
    SpoolRequest.write(work, 1_700_000_000_000_000_000L, request);
    assertThat(Files.getPosixFilePermissions(work.resolve(SpoolRequest.NAME))).as("it holds storage credentials")
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    EgressPlan plan = SpoolSalvageTest.trackCompositePlan("EG_died", out.toString());
    SpoolJournal journal = SpoolJournal.in(work);
    journal.info(plan.info().toBuilder().setStatus(EgressStatus.EGRESS_ACTIVE).setStartedAt(1_700_000_001_000_000_000L).build());
    SpoolSalvageTest.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3", "-c:a", "aac",
        "-movflags", "empty_moov+default_base_moof", "-frag_duration", "1000000", work.resolve("a.mp4").toString());
    journal.fileOpened("a.mp4", plan.file().storagePath(), "video/mp4", 0);

    assertThat(recovery().recover(work)).isTrue();

    assertThat(reported).hasSize(1);
    EgressInfo end = reported.get(0);
    assertThat(end.getEgressId()).isEqualTo("EG_died");
    assertThat(end.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(end.getError()).isEqualTo(SpoolRecovery.ERROR);
    assertThat(end.getErrorCode()).isEqualTo(500);
    assertThat(end.getFileResultsList()).hasSize(1);
    assertThat(end.getFileResults(0).getLocation()).isEqualTo(out.toString());
    assertThat(end.getFileResults(0).getStartedAt()).isEqualTo(1_700_000_001_000_000_000L);
    assertThat(end.getFileResults(0).getDuration() / 1e9).isBetween(2.9, 3.1);
    assertThat(end.getEndedAt()).isEqualTo(end.getFileResults(0).getEndedAt());
    assertThat(out).exists();
    assertThat(work).doesNotExist();
  }

  @Test
  void anEgressItsHandlerEndedIsReportedAsItEnded(@TempDir Path tmp) throws Exception {
    Path work = tmp.resolve("work/EG_ended");
    SpoolRequest.write(work, 1, SpoolSalvageTest.request("EG_ended", tmp.resolve("x.mp4").toString()));
    EgressInfo complete = EgressInfo.newBuilder().setEgressId("EG_ended").setStatus(EgressStatus.EGRESS_COMPLETE).build();
    SpoolJournal.in(work).info(complete);

    assertThat(recovery().recover(work)).isTrue();

    assertThat(reported).containsExactly(complete);
    assertThat(work).doesNotExist();
  }

  @Test
  void aDirectoryHeldByALiveProcessWaitsUntilItIsLetGo(@TempDir Path tmp) throws Exception {
    Path work = tmp.resolve("work/EG_held");
    SpoolRequest.write(work, 1, SpoolSalvageTest.request("EG_held", tmp.resolve("x.mp4").toString()));
    SpoolJournal.in(work).info(EgressInfo.newBuilder().setEgressId("EG_held").setStatus(EgressStatus.EGRESS_COMPLETE).build());
    Files.createDirectories(tmp.resolve("work/browser")); // not an egress: no request in it

    try (SpoolRecovery recovery = recovery()) {
      try (SpoolOwner handler = SpoolOwner.claim(work).orElseThrow()) {
        recovery.start(tmp.resolve("work"));
        assertThat(recovery.pending()).containsExactly(work);
        Thread.sleep(300); // its first pass found the directory held
        assertThat(reported).isEmpty();
        assertThat(recovery.pending()).containsExactly(work);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!recovery.pending().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(recovery.pending()).isEmpty();
    }
    assertThat(reported).extracting(EgressInfo::getStatus).containsExactly(EgressStatus.EGRESS_COMPLETE);
    assertThat(work).doesNotExist();
    assertThat(tmp.resolve("work/browser")).exists();
  }
}
