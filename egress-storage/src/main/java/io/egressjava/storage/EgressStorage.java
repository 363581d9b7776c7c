package io.egressjava.storage;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.storage.Uploader;
import io.egressjava.core.naming.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage of one output: the primary store, and once a primary upload has failed (after its
 * retries) the backup store for that and every later upload (protocol.md §4.14). The local file is
 * deleted only after a durable copy is confirmed; when every store fails it stays where it is and
 * the error says so.
 */
public final class EgressStorage implements OutputStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EgressStorage.class);
  static final Duration PRESIGN_VALIDITY = Duration.ofDays(7);

  private final StorageConfig primaryConfig;
  private final Uploader primary;
  private final StorageConfig backupConfig;
  private final Uploader backup;
  private volatile boolean usingBackup;
  private volatile UploadObserver observer = UploadObserver.NONE;

  /** Told of every upload (metrics). */
  @FunctionalInterface
  public interface UploadObserver {
    UploadObserver NONE = (storagePath, contentType, success, millis, bytes, retries, backup) -> { };

    /** @param retries failed attempts before this upload's outcome; {@code bytes} 0 when it failed */
    void uploaded(String storagePath, String contentType, boolean success, double millis, long bytes, long retries,
        boolean backup);
  }

  public EgressStorage(StorageConfig primaryConfig, Uploader primary, StorageConfig backupConfig, Uploader backup) {
    this.primaryConfig = primaryConfig;
    this.primary = primary;
    this.backupConfig = backupConfig;
    this.backup = backup;
  }

  /** An output's storage: {@code primary}, with the service's {@code backup} storage (if any) behind it. */
  public static EgressStorage of(StorageConfig primary, StorageConfig backup, java.nio.file.Path localRoot) {
    return new EgressStorage(primary, Uploaders.create(primary, localRoot), backup,
        backup == null ? null : Uploaders.create(backup, localRoot));
  }

  /** Reports every upload from now on to {@code observer}. */
  public EgressStorage observedBy(UploadObserver observer) {
    this.observer = observer;
    return this;
  }

  @Override
  public boolean backupUsed() {
    return usingBackup;
  }

  /**
   * Uploads a finished local file to {@code storagePath} (the store's prefix is added), then deletes
   * the local file if {@code deleteLocal} and a copy is durable.
   */
  @Override
  public Stored store(Path local, String storagePath, String contentType, boolean deleteLocal) {
    long size;
    try {
      size = Files.size(local);
    } catch (IOException e) {
      throw new EgressException(PsrpcCode.INTERNAL, "cannot read " + local + ": " + e.getMessage(), e);
    }
    IOException primaryError = null;
    if (!usingBackup) {
      try {
        Stored s = put(primary, primaryConfig, local, storagePath, contentType, size, false);
        deleteIf(deleteLocal, local, s);
        return s;
      } catch (IOException e) {
        primaryError = e;
        if (backup == null) {
          throw new EgressException(PsrpcCode.INVALID_ARGUMENT,
              primary.name() + " upload failed: " + e.getMessage() + keptAt(local), e);
        }
        log.warn("{} upload of {} failed ({}); using backup storage from now on", primary.name(), storagePath, e.getMessage());
        usingBackup = true;
      }
    }
    try {
      Stored s = put(backup, backupConfig, local, storagePath, contentType, size, true);
      deleteIf(deleteLocal, local, s);
      return s;
    } catch (IOException e) {
      String first = primaryError == null ? "failed earlier; backup in use" : primaryError.getMessage();
      throw new EgressException(PsrpcCode.INVALID_ARGUMENT,
          "primary: " + first + "\nbackup: " + e.getMessage() + keptAt(local), e);
    }
  }

  private static String keptAt(Path local) {
    return " (recording kept at " + local.toAbsolutePath() + ")";
  }

  private Stored put(Uploader uploader, StorageConfig config, Path local, String storagePath, String contentType,
      long size, boolean isBackup) throws IOException {
    String key = StoragePaths.join(config.prefix(), storagePath);
    long began = System.nanoTime();
    long retriesBefore = retries(uploader);
    try {
      String location = uploader.upload(local, key, contentType);
      if (config.generatePresignedUrl()) {
        location = uploader.presign(key, PRESIGN_VALIDITY);
      }
      observer.uploaded(storagePath, contentType, true, (System.nanoTime() - began) / 1e6, size,
          retries(uploader) - retriesBefore, isBackup);
      return new Stored(key, location, size, isBackup);
    } catch (IOException | RuntimeException e) {
      observer.uploaded(storagePath, contentType, false, (System.nanoTime() - began) / 1e6, 0,
          retries(uploader) - retriesBefore, isBackup);
      throw e;
    }
  }

  private static long retries(Uploader uploader) {
    return uploader instanceof RetryingUploader r ? r.retries() : 0;
  }

  /** Releases the stores' connections at the end of the egress. */
  @Override
  public void close() {
    primary.close();
    if (backup != null) {
      backup.close();
    }
  }

  private static void deleteIf(boolean deleteLocal, Path local, Stored stored) {
    if (!deleteLocal || Path.of(stored.location()).equals(local.toAbsolutePath())) {
      return;
    }
    try {
      Files.deleteIfExists(local);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete {} after upload: {}", local, e.getMessage());
    }
  }
}
