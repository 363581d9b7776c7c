package io.egressjava.server.spool;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.core.files.FileTrees;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.core.spool.SpoolJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart, finishes the egresses a previous run of the service left behind: every work
 * directory present at start that names its request ({@link SpoolRequest}) and that no live
 * process holds ({@link SpoolOwner}). An egress whose handler ended it (the handler outlived the
 * service, stored its files, but had nobody to tell) is reported as it ended; one whose recording
 * process died too is finalized and stored from its journal ({@link SpoolSalvage}) and reported
 * FAILED with its results. A directory still held — a handler of the old service finishing its
 * egress — is looked at again every {@value #RECHECK_SECONDS} s until it is let go. Directories
 * are removed once reported and nothing is left in them that could not be stored.
 */
public final class SpoolRecovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpoolRecovery.class);
  static final long RECHECK_SECONDS = 2;
  /** The error of an egress whose recording process died while no service was there. */
  public static final String ERROR = "egress process died; recovered after a restart of egress-server";

  private final EgressConfig config;
  private final SpoolSalvage salvage;
  private final Predicate<EgressInfo> report;
  private final Clock clock;
  private final List<Path> pending = new ArrayList<>(); // guarded by this
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "spool-recovery");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param report delivers a final EgressInfo to livekit-server; true once it has it
   */
  public SpoolRecovery(EgressConfig config, SpoolSalvage salvage, Predicate<EgressInfo> report, Clock clock) {
    this.config = config;
    this.salvage = salvage;
    this.report = report;
    this.clock = clock;
  }

  /**
   * Takes the work directories under {@code workRoot} as they are now (call it before this service
   * takes its first egress: later directories are its own) and recovers them in the background.
   */
  public SpoolRecovery start(Path workRoot) {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(workRoot)) {
      try (var dirs = Files.list(workRoot)) {
        dirs.filter(d -> Files.isRegularFile(d.resolve(SpoolRequest.NAME))).forEach(found::add);
      } catch (IOException e) {
        log.error("cannot list {} for egresses left by an earlier run: {}", workRoot, e.getMessage());
      }
    }
    if (!found.isEmpty()) {
      log.info("{} egress(es) left by an earlier run in {}: recovering", found.size(), workRoot);
    }
    synchronized (this) {
      pending.addAll(found);
    }
    timer.execute(this::pass);
    return this;
  }

  /** Work directories not recovered yet. */
  public synchronized List<Path> pending() {
    return List.copyOf(pending);
  }

  private void pass() {
    List<Path> dirs;
    synchronized (this) {
      dirs = List.copyOf(pending);
    }
    for (Path dir : dirs) {
      boolean done;
      try {
        done = recover(dir);
      } catch (IOException | RuntimeException e) {
        log.error("recovery of {} failed; it is left as it is", dir, e);
        done = true;
      }
      if (done) {
        synchronized (this) {
          pending.remove(dir);
        }
      }
    }
    synchronized (this) {
      if (!pending.isEmpty()) {
        timer.schedule(this::pass, RECHECK_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  /** Recovers one directory; false if a live process still holds it (try again later). */
  boolean recover(Path dir) throws IOException {
    Optional<SpoolOwner> claimed = SpoolOwner.claim(dir);
    if (claimed.isEmpty()) {
      return false;
    }
    try (SpoolOwner owner = claimed.get()) {
      Optional<SpoolRequest.Saved> saved = SpoolRequest.read(dir);
      if (saved.isEmpty()) {
        log.warn("{}: request unreadable; left as it is", dir);
        return true;
      }
      EgressInfo last = SpoolJournal.in(dir).read().lastInfo().orElse(null);
      EgressInfo end;
      boolean complete;
      if (last != null && EgressSession.isTerminal(last.getStatus())) {
        end = last; // its handler ended it and stored what it could
        complete = true;
      } else {
        Clock planClock = Clock.fixed(Instant.ofEpochSecond(0, saved.get().plannedAt()), ZoneOffset.UTC);
        EgressPlan plan = new EgressPlanner(config, planClock).plan(saved.get().request());
        EgressInfo base = last != null ? last : plan.info();
        long startedAt = base.getStartedAt() > 0 ? base.getStartedAt() : saved.get().plannedAt();
        SpoolSalvage.Salvaged done = salvage.salvage(plan, dir, startedAt);
        EgressInfo.Builder b = base.toBuilder().setStatus(EgressStatus.EGRESS_FAILED).setError(ERROR).setErrorCode(500);
        done.applyTo(b, plan);
        long now = clock.millis() * 1_000_000L;
        long mediaEnd = done.files().stream().mapToLong(f -> f.getEndedAt()).max().orElse(0);
        b.setEndedAt(mediaEnd > 0 ? mediaEnd : now).setUpdatedAt(now);
        end = b.build();
        complete = done.complete();
      }
      if (!report.test(end)) {
        log.error("egress {}: its end ({}) did not reach livekit-server; {} is kept", end.getEgressId(), end.getStatus(), dir);
        return true;
      }
      log.info("egress {} left by an earlier run reported {}{} ({} file(s))", end.getEgressId(), end.getStatus(),
          end.getError().isEmpty() ? "" : ": " + end.getError(), end.getFileResultsCount());
      List<Path> left = SpoolSalvage.leftovers(dir);
      if (complete && left.isEmpty()) {
        try {
          FileTrees.delete(dir);
        } catch (IOException e) {
          log.warn("egress {}: cannot remove {}: {}", end.getEgressId(), dir, e.getMessage());
        }
      } else {
        log.warn("egress {}: what could not be stored is kept in {}: {}", end.getEgressId(), dir, left);
      }
      return true;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
