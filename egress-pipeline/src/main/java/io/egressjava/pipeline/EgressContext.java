package io.egressjava.pipeline;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.storage.EgressStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What every output of one running egress shares: its plan and session, where it writes before
 * upload, its journal and manifest, and when its media started.
 *
 * @param localRoot where local storage paths resolve ("/" in the reference's container)
 * @param startedAt when the egress's first media arrived (null before)
 */
record EgressContext(EgressConfig config, EgressPlan plan, EgressSession session, Clock clock, Path workDir,
    Path localRoot, SpoolJournal journal, Manifest manifest, Supplier<Instant> startedAt) {

  /** The primary storage with the configured backup behind it. */
  EgressStorage storage(StorageConfig primary) {
    return EgressStorage.of(primary, config.backup(), localRoot).observedBy(new UploadMetrics(session.metrics(), plan));
  }

  Duration maxUploadQueue() {
    return Duration.ofMinutes(config.maxUploadQueueMinutes());
  }

  long startedNanos() {
    return nanos(startedAt.get());
  }

  long nowNanos() {
    return nanos(clock.instant());
  }

  static long nanos(Instant t) {
    return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
