package io.egressjava.storage;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Attempts and exponential backoff with jitter between {@code minDelay} and {@code maxDelay}.
 * The reference's S3 defaults: 5 attempts, 100 ms to 5 s.
 */
public record RetryPolicy(int attempts, Duration minDelay, Duration maxDelay) {
  public static final RetryPolicy REFERENCE = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5));

  /** Delay before retry number {@code retry} (1-based). */
  Duration delay(int retry) {
    long base = minDelay.toMillis() << Math.min(retry - 1, 20);
    long capped = Math.min(base, maxDelay.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(jittered, minDelay.toMillis()));
  }
}
