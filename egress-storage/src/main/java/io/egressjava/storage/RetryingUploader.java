package io.egressjava.storage;

import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retries an uploader's transient failures (timeouts, resets, 409, 429, 5xx) with backoff; counts retries. */
public final class RetryingUploader implements Uploader {
  private static final Logger log = LoggerFactory.getLogger(RetryingUploader.class);

  private final Uploader delegate;
  private final RetryPolicy policy;
  private final AtomicLong retries = new AtomicLong();

  public RetryingUploader(Uploader delegate, RetryPolicy policy) {
    this.delegate = delegate;
    this.policy = policy;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** Retries done so far (not counting first attempts). */
  public long retries() {
    return retries.get();
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return delegate.upload(file, storagePath, contentType);
      } catch (IOException e) {
        boolean retryable = !(e instanceof UploadException u) || u.retryable();
        if (!retryable || attempt >= policy.attempts()) {
          throw e;
        }
        Duration wait = policy.delay(attempt);
        retries.incrementAndGet();
        log.warn("{} upload of {} failed (attempt {}/{}): {}; retrying in {} ms", delegate.name(), storagePath, attempt,
            policy.attempts(), e.getMessage(), wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new UploadException("interrupted", ie, 0, false);
        }
      }
    }
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String presign(String storagePath, Duration validity) throws IOException {
    return delegate.presign(storagePath, validity);
  }
}
