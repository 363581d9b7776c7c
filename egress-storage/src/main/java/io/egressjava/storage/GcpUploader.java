package io.egressjava.storage;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Google Cloud Storage with service-account JSON (or application default credentials), as a
 * resumable upload in 8 MiB chunks. Location: {@code https://<bucket>.storage.googleapis.com/<key>}.
 */
public final class GcpUploader implements Uploader {
  static final int CHUNK_SIZE = 8 << 20;

  private final StorageConfig.Gcp conf;
  private final Storage storage;

  public GcpUploader(StorageConfig.Gcp conf) {
    this.conf = conf;
    StorageOptions.Builder b = StorageOptions.http().setRetrySettings(ServiceOptions.getNoRetrySettings());
    if (!conf.endpoint().isEmpty()) {
      b.setHost(conf.endpoint()).setProjectId("egress-java");
    }
    try {
      if (!conf.credentialsJson().isEmpty()) {
        b.setCredentials(GoogleCredentials.fromStream(
            new ByteArrayInputStream(conf.credentialsJson().getBytes(StandardCharsets.UTF_8))));
      } else if (!conf.endpoint().isEmpty()) {
        b.setCredentials(NoCredentials.getInstance());
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("gcp credentials_json is not a usable credentials file: " + e.getMessage(), e);
    }
    this.storage = b.build().getService();
  }

  @Override
  public String name() {
    return "GCP";
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(conf.bucket(), storagePath)).setContentType(contentType).build();
    try {
      storage.createFrom(info, file, CHUNK_SIZE);
    } catch (StorageException e) {
      int status = e.getCode();
      boolean retryable = e.isRetryable() || status == 0 || UploadException.retryableStatus(status);
      throw new UploadException(e.getMessage(), e, status, retryable);
    }
    return "https://" + conf.bucket() + ".storage.googleapis.com/" + storagePath;
  }

  @Override
  public String presign(String storagePath, Duration validity) throws IOException {
    try {
      URL url = storage.signUrl(BlobInfo.newBuilder(BlobId.of(conf.bucket(), storagePath)).build(),
          validity.toSeconds(), TimeUnit.SECONDS, Storage.SignUrlOption.withV4Signature());
      return url.toString();
    } catch (RuntimeException e) {
      throw new UploadException("cannot sign a GCS URL: " + e.getMessage(), e, 0, false);
    }
  }
}
