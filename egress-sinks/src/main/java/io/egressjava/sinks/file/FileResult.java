package io.egressjava.sinks.file;

import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.storage.StorageOutage;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.spool.SpoolJournal;
import java.nio.file.Path;
import java.time.Duration;
import livekit.LivekitEgress;

/**
 * The one file an egress writes, from the moment it is opened on disk to its FileInfo: journaled
 * when opened (so a process that dies leaves it to be salvaged), stored when finished — a storage
 * outage waited out for up to {@code max_upload_queue} minutes while the egress stays ENDING — and
 * reported in the file result, the deprecated {@code file} field and the manifest. Every egress
 * type's file output, transcoded or written as received, ends through here.
 */
public final class FileResult {
  private final Path local;
  private final String storagePath;
  private final String mime;
  private final SpoolJournal journal;

  /**
   * Journals the file as opened.
   *
   * @param startedNanos when its media starts, if known now (0 otherwise)
   */
  public FileResult(Path local, String storagePath, String mime, SpoolJournal journal, long startedNanos) {
    this.local = local;
    this.storagePath = storagePath;
    this.mime = mime;
    this.journal = journal;
    journal.fileOpened(name(), storagePath, mime, startedNanos);
  }

  public Path local() {
    return local;
  }

  /**
   * Stores the finished file and reports it.
   *
   * @param startedNanos when its first frame was taken (wall clock)
   * @param playedNanos the file's own length: wall clocks would also count the upload
   */
  public void store(OutputStore store, Duration maxUploadQueue, long startedNanos, long playedNanos, Manifest manifest,
      EgressSession session) {
    long played = Math.max(0, playedNanos);
    OutputStore.Stored stored = StorageOutage.waitOut(name(), () -> store.store(local, storagePath, mime, true), maxUploadQueue);
    journal.fileStored(name(), SpoolJournal.Stored.of(stored, played));
    manifest.addFile(stored.storagePath(), stored.location());
    session.update(b -> {
      var info = LivekitEgress.FileInfo.newBuilder().setFilename(stored.storagePath()).setLocation(stored.location())
          .setSize(stored.size()).setStartedAt(startedNanos).setEndedAt(startedNanos + played).setDuration(played);
      b.setFileResults(0, info);
      if (b.hasFile()) {
        b.setFile(info);
      }
      b.setBackupStorageUsed(b.getBackupStorageUsed() || store.backupUsed());
    });
  }

  private String name() {
    return local.getFileName().toString();
  }
}
