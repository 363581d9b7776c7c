package io.egressjava.api.storage;

import java.io.IOException;

/** A failed upload attempt: the backend's HTTP status (0 when none) and whether a retry may help. */
public class UploadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final boolean retryable;

  public UploadException(String message, int httpStatus, boolean retryable) {
    super(message);
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  public UploadException(String message, Throwable cause, int httpStatus, boolean retryable) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The reference retries timeouts, throttling (429), conflicts (409) and server errors (5xx). */
  public static boolean retryableStatus(int status) {
    return status == 409 || status == 429 || status >= 500 || status == 408;
  }
}
