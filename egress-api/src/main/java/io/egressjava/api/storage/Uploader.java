package io.egressjava.api.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Stores a local file under a storage path at one backend (S3, GCS, Azure, OSS, local disk). */
public interface Uploader extends AutoCloseable {

  /** The backend's name as the reference writes it in errors: S3, GCP, Azure, AliOSS, Local. */
  String name();

  /**
   * Uploads {@code file} to {@code storagePath} and returns where it is. One attempt; retries are
   * the caller's. Throws {@link UploadException} (with HTTP status when the backend answered).
   */
  String upload(Path file, String storagePath, String contentType) throws IOException;

  /** Releases connections and threads; the default has none. */
  @Override
  default void close() {}

  /** A time-limited download URL for an uploaded object, when the backend can sign one. */
  default String presign(String storagePath, Duration validity) throws IOException {
    throw new UploadException("presigned URLs are not supported by " + name(), 0, false);
  }
}
