package io.egressjava.core.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSpaceTest {

  @Test
  void theRunningEgressHoldingTheMostGivesWay(@TempDir Path spool) throws Exception {
    Path ended = egress(spool, "EG_ended", 5000, EgressStatus.EGRESS_FAILED); // left for the operator: not counted
    Path big = egress(spool, "EG_big", 3000, EgressStatus.EGRESS_ACTIVE);
    Path small = egress(spool, "EG_small", 1000, EgressStatus.EGRESS_ACTIVE);
    Files.createDirectories(spool.resolve("browser")); // the shared browser's directory holds nothing to count
    Files.write(spool.resolve("filler"), new byte[10_000]); // nor do files beside the egresses

    assertThat(SpoolSpace.givesWay(big)).isTrue();
    assertThat(SpoolSpace.givesWay(small)).isFalse();
    assertThat(SpoolSpace.givesWay(ended)).isFalse();
    assertThat(SpoolSpace.bytes(big)).isGreaterThanOrEqualTo(3000);
  }

  @Test
  void anEgressStillUploadingAfterItsStopKeepsCountingSoTheNextDoesNotEndToo(@TempDir Path spool) throws Exception {
    Path ending = egress(spool, "EG_ending", 3000, EgressStatus.EGRESS_ENDING);
    Path other = egress(spool, "EG_other", 1000, EgressStatus.EGRESS_ACTIVE);
    assertThat(SpoolSpace.givesWay(other)).isFalse();
    assertThat(SpoolSpace.givesWay(ending)).isTrue();
  }

  @Test
  void tiesGoToTheLowestId(@TempDir Path spool) throws Exception {
    Path a = egress(spool, "EG_a", 2000, EgressStatus.EGRESS_ACTIVE);
    Path b = egress(spool, "EG_b", 2000, EgressStatus.EGRESS_ACTIVE);
    long journalA = Files.size(a.resolve(SpoolJournal.NAME));
    long journalB = Files.size(b.resolve(SpoolJournal.NAME));
    assertThat(journalA).isEqualTo(journalB);
    assertThat(SpoolSpace.givesWay(a)).isTrue();
    assertThat(SpoolSpace.givesWay(b)).isFalse();
  }

  @Test
  void usableSpaceIsKnown(@TempDir Path spool) {
    assertThat(SpoolSpace.usable(spool)).isPositive();
  }

  private static Path egress(Path spool, String id, int bytes, EgressStatus status) throws Exception {
    Path dir = Files.createDirectories(spool.resolve(id));
    Files.write(dir.resolve("out.mp4"), new byte[bytes]);
    SpoolJournal.in(dir).info(EgressInfo.newBuilder().setEgressId(id).setStatus(status).build());
    return dir;
  }
}
