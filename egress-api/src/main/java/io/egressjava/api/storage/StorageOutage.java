package io.egressjava.api.storage;

import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out storage that is away for a while (5xx, 429, timeouts, refused connections — what is
 * left after the uploader's own retries): the upload is run again with backoff,
 * {@value #FIRST_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms, for as long as its
 * deadline allows. Storage that refuses the upload for good (403, 404, 400) is not waited for: a
 * misconfigured output fails at once. The local file stays until a copy is stored, so waiting
 * costs disk, never data.
 */
public final class StorageOutage {
  private static final Logger log = LoggerFactory.getLogger(StorageOutage.class);
  public static final long FIRST_BACKOFF_MS = 1_000;
  public static final long MAX_BACKOFF_MS = 30_000;

  private StorageOutage() {}

  /**
   * Runs {@code upload} until it succeeds, it is refused for good, or {@code nanosLeft} (asked
   * after each failure; {@link Long#MAX_VALUE}: no deadline yet) is used up; then throws its failure.
   *
   * @param what named in the log ("seg_00012.ts")
   */
  public static <T> T waitOut(String what, Supplier<T> upload, LongSupplier nanosLeft) throws InterruptedException {
    long backoff = FIRST_BACKOFF_MS;
    int failures = 0;
    while (true) {
      try {
        T result = upload.get();
        if (failures > 0) {
          log.info("storage is back: {} stored after {} failed attempt(s)", what, failures);
        }
        return result;
      } catch (EgressException | UncheckedIOException e) {
        failures++;
        long left = nanosLeft.getAsLong();
        if (left <= 0 || refused(e)) {
          throw e instanceof EgressException ee ? ee : new EgressException(PsrpcCode.INTERNAL, e.getMessage(), e);
        }
        long wait = Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left) + 1);
        log.warn("upload of {} failed ({}); the file waits on disk, trying again in {} ms", what, e.getMessage(), wait);
        Thread.sleep(wait);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /**
   * Runs {@code upload}, waiting out an outage for up to {@code patience} (a finished file at the
   * end of an egress: {@code max_upload_queue}); then, or when refused for good, throws its failure.
   */
  public static <T> T waitOut(String what, Supplier<T> upload, java.time.Duration patience) {
    long giveUpAt = System.nanoTime() + patience.toNanos();
    try {
      return waitOut(what, upload, () -> giveUpAt - System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EgressException(PsrpcCode.INTERNAL, "interrupted while storing " + what);
    }
  }

  /** Whether storage refused the upload for good: a non-retryable {@link UploadException} in the causes. */
  public static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UploadException u) {
        return !u.retryable();
      }
    }
    return false;
  }
}
