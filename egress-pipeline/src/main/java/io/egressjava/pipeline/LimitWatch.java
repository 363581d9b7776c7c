package io.egressjava.pipeline;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.core.plan.EgressPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session limits (protocol.md §4.4) for any runner: the plan's shortest duration limit, and
 * {@code file_output_max_size} measured on the egress's work directory every 15 s. Calls
 * {@code onLimit} once, on a timer thread; the runner then drains as for a stop and ends
 * LIMIT_REACHED.
 */
public final class LimitWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LimitWatch.class);
  /** How often the work directory is measured (the reference: 15 s). */
  static volatile Duration sizeCheckInterval = Duration.ofSeconds(15);

  private final AtomicBoolean reached = new AtomicBoolean();
  private final ScheduledExecutorService timer;

  private LimitWatch(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts watching; returns a watch that never fires when no limit is configured. */
  public static LimitWatch start(EgressPlan plan, EgressConfig config, Path workDir, Runnable onLimit) {
    long maxSize = plan.file() != null ? config.sessionLimits().fileOutputMaxSize() : 0;
    if (plan.sessionLimit().isZero() && maxSize <= 0) {
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
        long size = bytes(workDir);
        if (size >= maxSize) {
          log.info("{}: output size {} reached file_output_max_size {}", plan.egressId(), size, maxSize);
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

  static long bytes(Path dir) {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
