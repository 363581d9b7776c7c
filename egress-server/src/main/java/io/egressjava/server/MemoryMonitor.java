package io.egressjava.server;

import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every second: measures what the node's egresses use in memory and tells {@link Admission}; when
 * {@code max_memory} is set and the node has used more than it for {@code memory_kill_grace_sec}
 * seconds, ends the egress that uses the most, as the reference does ("OOM: N.NN GB used", 403).
 * Unlike the reference it is not killed outright: it is asked to end now, so its outputs are
 * finalized and stored and it fails with its files listed; only if it has not ended after
 * {@value #FAIL_GRACE_SECONDS} s is it killed. One egress at a time: the next is chosen once that
 * one has gone and memory is still over.
 *
 * <p>{@code memory_source: proc_rss} (default) counts the resident sets of this service and every
 * handler tree (Chrome included); {@code cgroup} counts the working set of the cgroup the service
 * runs in, falling back to proc_rss if it cannot be read. The egresses of a shared handler share
 * its resident set equally when the largest is chosen.
 */
public final class MemoryMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MemoryMonitor.class);
  static final double GB = 1024.0 * 1024.0 * 1024.0;
  static final long FAIL_GRACE_SECONDS = 10;
  private static final long KILL_GRACE_MS = 5_000;

  private final Admission admission;
  private final CpuCost costs;
  private final Supplier<? extends Map<String, ? extends CpuMonitor.Handler>> handlers;
  private final LongSupplier ownRss;
  private final Optional<ProcessMemory.Cgroup> cgroup;
  private final ScheduledExecutorService timer;

  private volatile long usedBytes;
  /** Per running egress: the resident memory of its handler's process tree at the last sample. */
  private volatile Map<String, Long> handlerRss = Map.of();
  private int highSeconds;
  private String failing;
  private long failingSince;
  private boolean escalated;

  public MemoryMonitor(Admission admission, CpuCost costs,
      Supplier<? extends Map<String, ? extends CpuMonitor.Handler>> handlers) {
    this(admission, costs, handlers, () -> ProcessMemory.rss(ProcessHandle.current().pid()),
        "cgroup".equals(costs.memorySource()) ? ProcessMemory.Cgroup.ofThisProcess() : Optional.empty());
  }

  MemoryMonitor(Admission admission, CpuCost costs, Supplier<? extends Map<String, ? extends CpuMonitor.Handler>> handlers,
      LongSupplier ownRss, Optional<ProcessMemory.Cgroup> cgroup) {
    this.admission = admission;
    this.costs = costs;
    this.handlers = handlers;
    this.ownRss = ownRss;
    this.cgroup = cgroup;
    if ("cgroup".equals(costs.memorySource()) && cgroup.isEmpty()) {
      log.warn("memory_source is cgroup but no readable memory cgroup was found: using proc_rss");
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "memory-monitor");
      t.setDaemon(true);
      return t;
    });
  }

  public MemoryMonitor start() {
    timer.scheduleAtFixedRate(this::sampleSafely, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  /** Bytes the node's egresses used at the last sample, by the configured source. */
  public long usedBytes() {
    return usedBytes;
  }

  /** Per running egress, its handler process tree's resident memory at the last sample (shared by the egresses in it). */
  public Map<String, Long> handlerRss() {
    return handlerRss;
  }

  private void sampleSafely() {
    try {
      sample(System.nanoTime(), ProcessMemory::treeRss);
    } catch (RuntimeException e) {
      log.warn("memory sample failed", e);
    }
  }

  /** One round; {@code treeRss} measures a handler's process tree in bytes. */
  synchronized void sample(long now, java.util.function.ToLongFunction<ProcessHandle> treeRss) {
    Map<String, ? extends CpuMonitor.Handler> running = handlers.get();
    Map<Long, Long> byProcess = new HashMap<>();
    Map<Long, Integer> sharing = new HashMap<>();
    Map<String, Long> rss = new HashMap<>();
    running.forEach((egressId, h) -> {
      ProcessHandle p = h.process();
      sharing.merge(p.pid(), 1, Integer::sum);
      rss.put(egressId, byProcess.computeIfAbsent(p.pid(), pid -> treeRss.applyAsLong(p)));
    });
    handlerRss = Map.copyOf(rss);
    long processes = ownRss.getAsLong() + byProcess.values().stream().mapToLong(Long::longValue).sum();
    OptionalLong group = cgroup.isPresent() ? cgroup.get().workingSet() : OptionalLong.empty();
    long used = group.orElse(processes);
    usedBytes = used;
    admission.memoryUsed(used / GB);
    if (costs.maxMemory() <= 0) {
      return;
    }
    if (failing != null) {
      if (running.containsKey(failing)) {
        escalate(running.get(failing), now);
        return;
      }
      failing = null; // gone: its memory is freed, the grace starts again if still over
      highSeconds = 0;
    }
    if (used <= costs.maxMemory() * GB) {
      highSeconds = 0;
      return;
    }
    if (++highSeconds <= costs.memoryKillGraceSec()) {
      return;
    }
    String largest = null;
    double largestBytes = -1;
    for (Map.Entry<String, ? extends CpuMonitor.Handler> e : running.entrySet()) {
      long pid = e.getValue().process().pid();
      double share = (double) byProcess.get(pid) / sharing.get(pid);
      if (share > largestBytes) {
        largest = e.getKey();
        largestBytes = share;
      }
    }
    if (largest == null) {
      log.warn("memory {} over max_memory {} GB, and no egress to end", gb(used), costs.maxMemory());
      return;
    }
    log.warn("memory {} GB over max_memory {} GB: ending egress {} ({} GB)", gb(used), costs.maxMemory(), largest,
        gb((long) largestBytes));
    running.get(largest).fail(oom(used));
    failing = largest;
    failingSince = now;
    escalated = false;
  }

  /** The egress asked to end has not: killed after {@link #FAIL_GRACE_SECONDS}. */
  private void escalate(CpuMonitor.Handler h, long now) {
    if (escalated || now - failingSince < TimeUnit.SECONDS.toNanos(FAIL_GRACE_SECONDS)) {
      return;
    }
    log.warn("egress {} still running {} s after it was asked to end for memory: killing it", failing,
        FAIL_GRACE_SECONDS);
    h.kill(oom(usedBytes), KILL_GRACE_MS);
    escalated = true;
  }

  /** The reference's ErrOOM. */
  static PsrpcException oom(long usedBytes) {
    return new PsrpcException(PsrpcCode.PERMISSION_DENIED, "OOM: " + gb(usedBytes) + " GB used");
  }

  private static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / GB);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
