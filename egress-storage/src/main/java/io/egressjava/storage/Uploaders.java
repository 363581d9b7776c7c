package io.egressjava.storage;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.Uploader;
import java.nio.file.Path;

/** The uploader for a storage config, wrapped in the reference's retry policy. */
public final class Uploaders {
  private Uploaders() {}

  /** @param localRoot where local storage paths resolve ("/" in the reference) */
  public static RetryingUploader create(StorageConfig storage, Path localRoot) {
    StorageConfig.Provider p = storage.provider();
    if (p instanceof StorageConfig.S3 s3) {
      return new RetryingUploader(new S3Uploader(s3), new RetryPolicy(s3.maxRetries(), s3.minRetryDelay(), s3.maxRetryDelay()));
    }
    if (p instanceof StorageConfig.Azure azure) {
      return new RetryingUploader(new AzureUploader(azure), RetryPolicy.REFERENCE);
    }
    if (p instanceof StorageConfig.Gcp gcp) {
      return new RetryingUploader(new GcpUploader(gcp), RetryPolicy.REFERENCE);
    }
    if (p instanceof StorageConfig.AliOss oss) {
      return new RetryingUploader(new AliOssUploader(oss), RetryPolicy.REFERENCE);
    }
    if (p instanceof StorageConfig.Local local) {
      return new RetryingUploader(new LocalUploader(local.directory().isEmpty() ? localRoot : Path.of(local.directory())),
          RetryPolicy.REFERENCE);
    }
    if (p == null) {
      return new RetryingUploader(new LocalUploader(localRoot), RetryPolicy.REFERENCE);
    }
    throw new IllegalArgumentException("unknown storage provider " + p);
  }
}
