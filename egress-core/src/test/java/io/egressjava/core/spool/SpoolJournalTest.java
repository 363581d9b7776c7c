package io.egressjava.core.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolJournalTest {

  @Test
  void readsBackFilesWhatWasStoredAndTheLastInfo(@TempDir Path dir) throws Exception {
    SpoolJournal journal = SpoolJournal.in(dir);
    journal.info(EgressInfo.newBuilder().setEgressId("EG_a").setStatus(EgressStatus.EGRESS_STARTING).build());
    journal.fileOpened("my talk.mp4", "recordings/my talk.mp4", "video/mp4", 7);
    journal.fileOpened("b.ogg", "b.ogg", "audio/ogg", 8);
    journal.fileStored("my talk.mp4", new SpoolJournal.Stored("recordings/my talk.mp4", "s3://bucket/recordings/my talk.mp4",
        1234, 5_000_000_000L, true));
    journal.info(EgressInfo.newBuilder().setEgressId("EG_a").setStatus(EgressStatus.EGRESS_ACTIVE).build());
    journal.segmentReady("hls/seg_00000.ts", 100, 2.0);
    journal.segmentReady("hls/seg_00001.ts", 200, 1.5);
    journal.segmentStored("hls/seg_00000.ts", "prefix/seg_00000.ts", 5000);

    SpoolJournal.Contents read = SpoolJournal.in(dir).read();
    assertThat(read.files()).hasSize(2);
    SpoolJournal.SpooledFile talk = read.files().get(0);
    assertThat(talk.localName()).isEqualTo("my talk.mp4");
    assertThat(talk.storagePath()).isEqualTo("recordings/my talk.mp4");
    assertThat(talk.startedAtNanos()).isEqualTo(7);
    assertThat(talk.stored()).contains(new SpoolJournal.Stored("recordings/my talk.mp4",
        "s3://bucket/recordings/my talk.mp4", 1234, 5_000_000_000L, true));
    assertThat(read.files().get(1).stored()).isEmpty();
    assertThat(read.lastInfo().orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
    assertThat(read.segments()).containsExactly(
        new SpoolJournal.SpooledSegment("hls/seg_00000.ts", 100, 2.0, java.util.Optional.of("prefix/seg_00000.ts"), 5000),
        new SpoolJournal.SpooledSegment("hls/seg_00001.ts", 200, 1.5, java.util.Optional.empty(), 0));
  }

  /** A process killed while appending leaves half a line: the entries before it still count. */
  @Test
  void aLineCutShortIsIgnored(@TempDir Path dir) throws Exception {
    SpoolJournal journal = SpoolJournal.in(dir);
    journal.fileOpened("a.webm", "a.webm", "video/webm", 1);
    String whole = "info " + java.util.Base64.getEncoder().encodeToString(
        EgressInfo.newBuilder().setEgressId("EG_b").setStatus(EgressStatus.EGRESS_COMPLETE).build().toByteArray());
    Files.writeString(dir.resolve(SpoolJournal.NAME), whole.substring(0, whole.length() - 5), StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    SpoolJournal.Contents read = SpoolJournal.in(dir).read();
    assertThat(read.files()).extracting(SpoolJournal.SpooledFile::localName).containsExactly("a.webm");
    assertThat(read.lastInfo()).isEmpty();
  }

  @Test
  void noJournalIsEmpty(@TempDir Path dir) throws Exception {
    assertThat(SpoolJournal.in(dir.resolve("none")).read().files()).isEmpty();
  }
}
