package io.egressjava.pipeline;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.spool.SpoolSpace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session limits (protocol.md §4.4) for any runner: the plan's shortest duration limit,
 * {@code file_output_max_size} measured on the egress's work directory every 15 s, and (egress-java)
 * the spool's free space against {@code tmp_dir_min_free_mb} every second ({@link SpoolSpace}: the
 * egress holding the most gives way). Calls {@code onLimit} once, on a timer thread; the runner then
 * drains as for a stop and ends LIMIT_REACHED with {@link #error()}.
 */
public final class LimitWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LimitWatch.class);
  /** How often the work directory is measured (the reference: 15 s). */
  static volatile Duration sizeCheckInterval = Duration.ofSeconds(15);

  /** How often the spool's free space is checked: a disk fills within seconds at a few hundred Mbps. */
  static volatile Duration spaceCheckInterval = Duration.ofSeconds(1);

  private final AtomicBoolean reached = new AtomicBoolean();
  private final ScheduledExecutorService timer;
  private volatile String error = EgressSession.SESSION_LIMIT;

  private LimitWatch(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts watching; returns a watch that never fires when no limit is configured. */
  public static LimitWatch start(EgressPlan plan, EgressConfig config, Path workDir, Runnable onLimit) {
    long maxSize = plan.file() != null ? config.sessionLimits().fileOutputMaxSize() : 0;
    long minFree = config.tmpDirMinFreeMb() * 1024 * 1024;
    if (plan.sessionLimit().isZero() && maxSize <= 0 && minFree <= 0) {
      return new LimitWatch(null);
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "session-limit-" + plan.egressId());
      t.setDaemon(true);
      return t;
    });
    LimitWatch watch = new LimitWatch(timer);
    if (!plan.sessionLimit().isZero()) {
      timer.schedule(() -> {
        log.info("{}: session limit of {} reached", plan.egressId(), plan.sessionLimit());
        watch.fire(onLimit);
      }, plan.sessionLimit().toMillis(), TimeUnit.MILLISECONDS);
    }
    if (maxSize > 0) {
      long every = sizeCheckInterval.toMillis();
      timer.scheduleAtFixedRate(() -> {
        long size = SpoolSpace.bytes(workDir);
        if (size >= maxSize) {
          log.info("{}: output size {} reached file_output_max_size {}", plan.egressId(), size, maxSize);
          watch.fire(onLimit);
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
    if (minFree > 0) {
      long every = spaceCheckInterval.toMillis();
      timer.scheduleAtFixedRate(() -> {
        long free = SpoolSpace.usable(workDir);
        if (free >= 0 && free < minFree && !watch.reached() && SpoolSpace.givesWay(workDir)) {
          watch.error = String.format(java.util.Locale.ROOT,
              "spool disk full: %d MB free in %s, under tmp_dir_min_free_mb (%d); the egress holding the most ends",
              free / (1024 * 1024), workDir.getParent(), config.tmpDirMinFreeMb());
          log.warn("{}: {}", plan.egressId(), watch.error);
          watch.fire(onLimit);
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
    return watch;
  }

  private void fire(Runnable onLimit) {
    if (reached.compareAndSet(false, true)) {
      onLimit.run();
    }
  }

  /** Whether a limit ended the egress. */
  public boolean reached() {
    return reached.get();
  }

  /** The error a LIMIT_REACHED egress reports: the reference's "Session limit reached", or what ran out. */
  public String error() {
    return error;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
