package io.egressjava.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.storage.OutputStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, backup fallback and the never-delete-before-durable rule, on in-memory stores that fail on cue. */
class EgressStorageTest {
  private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));
  private static final StorageConfig PRIMARY = new StorageConfig("rec", false, null);
  private static final StorageConfig BACKUP = new StorageConfig("backup", false, null);

  @TempDir
  Path dir;

  private Path file(String name) throws Exception {
    return Files.writeString(dir.resolve(name), "media of " + name);
  }

  private static EgressStorage storage(FaultyUploader primary, FaultyUploader backup) {
    return new EgressStorage(PRIMARY, new RetryingUploader(primary, FAST), backup == null ? null : BACKUP,
        backup == null ? null : new RetryingUploader(backup, FAST));
  }

  @Test
  void transientFailuresAreRetriedAndTheCopyIsThere() throws Exception {
    FaultyUploader s3 = new FaultyUploader("S3").failNext(503, 503);
    Path local = file("a.mp4");
    OutputStore.Stored stored = storage(s3, null).store(local, "a.mp4", "video/mp4", true);
    assertThat(stored.location()).isEqualTo("mem://S3/rec/a.mp4");
    assertThat(stored.backup()).isFalse();
    assertThat(s3.attempts()).containsExactly("rec/a.mp4", "rec/a.mp4", "rec/a.mp4");
    assertThat(new String(s3.object("rec/a.mp4"))).isEqualTo("media of a.mp4");
    assertThat(local).doesNotExist();
  }

  @Test
  void aRefusedPrimaryIsNotRetriedAndTheBackupTakesThisAndEveryLaterUpload() throws Exception {
    FaultyUploader s3 = new FaultyUploader("S3").failNext(403);
    FaultyUploader backup = new FaultyUploader("Local");
    EgressStorage storage = storage(s3, backup);
    OutputStore.Stored first = storage.store(file("seg0.ts"), "seg0.ts", "video/mp2t", true);
    OutputStore.Stored second = storage.store(file("seg1.ts"), "seg1.ts", "video/mp2t", true);
    assertThat(s3.attempts()).as("403 is not retried, and the primary is not tried again").containsExactly("rec/seg0.ts");
    assertThat(first.backup()).isTrue();
    assertThat(first.location()).isEqualTo("mem://Local/backup/seg0.ts");
    assertThat(second.location()).isEqualTo("mem://Local/backup/seg1.ts");
    assertThat(storage.backupUsed()).isTrue();
    assertThat(dir.resolve("seg0.ts")).doesNotExist();
  }

  @Test
  void whenEveryStoreFailsTheRecordingStaysOnDiskAndTheErrorSaysWhere() throws Exception {
    FaultyUploader s3 = new FaultyUploader("S3").failAll(503);
    FaultyUploader backup = new FaultyUploader("Local").failAll(500);
    Path local = file("b.mp4");
    assertThatThrownBy(() -> storage(s3, backup).store(local, "b.mp4", "video/mp4", true))
        .isInstanceOf(EgressException.class)
        .hasMessageContaining("primary: S3 answered 503")
        .hasMessageContaining("backup: Local answered 500")
        .hasMessageContaining("recording kept at " + local.toAbsolutePath());
    assertThat(s3.attempts()).hasSize(FAST.attempts());
    assertThat(backup.attempts()).hasSize(FAST.attempts());
    assertThat(local).hasContent("media of b.mp4");
  }

  @Test
  void withoutBackupAnOutageLongerThanTheRetriesKeepsTheFile() throws Exception {
    FaultyUploader gcs = new FaultyUploader("GCP").failAll(503);
    Path local = file("c.ogg");
    assertThatThrownBy(() -> storage(gcs, null).store(local, "c.ogg", "audio/ogg", true))
        .isInstanceOf(EgressException.class)
        .hasMessage("GCP upload failed: GCP answered 503 (recording kept at " + local.toAbsolutePath() + ")");
    assertThat(local).exists();
    gcs.recover();
    assertThat(storage(gcs, null).store(local, "c.ogg", "audio/ogg", true).location()).isEqualTo("mem://GCP/rec/c.ogg");
    assertThat(local).doesNotExist();
  }

  @Test
  void everyUploadIsReportedWithItsOutcomeRetriesAndStore() throws Exception {
    FaultyUploader s3 = new FaultyUploader("S3").failNext(503, 403);
    FaultyUploader backup = new FaultyUploader("Local");
    java.util.List<String> seen = new java.util.ArrayList<>();
    EgressStorage storage = storage(s3, backup).observedBy((path, type, success, millis, bytes, retries, isBackup) -> {
      assertThat(millis).isGreaterThanOrEqualTo(0);
      seen.add(path + " " + (success ? "ok" : "failed") + " bytes=" + bytes + " retries=" + retries + (isBackup ? " backup" : ""));
    });
    storage.store(file("s0.ts"), "s0.ts", "video/mp2t", true);
    assertThat(seen).containsExactly("s0.ts failed bytes=0 retries=1", "s0.ts ok bytes=14 retries=0 backup");
  }
}
