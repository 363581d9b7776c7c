package io.egressjava.api.storage;

import java.nio.file.Path;

/**
 * Where one output's files go, with its retries and backup already decided (the storage module
 * implements it; sinks use it). A failure is an {@link io.egressjava.api.errors.EgressException}
 * carrying the reference's message.
 */
public interface OutputStore {

  /** Where one file went. */
  record Stored(String storagePath, String location, long size, boolean backup) {}

  /** Uploads a finished file; deletes the local copy afterwards when asked and a durable copy exists. */
  Stored store(Path local, String storagePath, String contentType, boolean deleteLocal);

  /** Whether any upload of this output went to the backup store. */
  boolean backupUsed();
}
