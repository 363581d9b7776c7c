package io.egressjava.server;

import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every second: measures each handler's process tree (Chrome included) and tells
 * {@link Admission}; measures the node's load and, as the reference (protocol.md §4.3), when the
 * node stays above the kill threshold for 10 s with more than one egress running, asks the egress
 * using most CPU beyond its reservation (past its first 15 s, which are start-up) to end gracefully
 * ("CPU exhausted"); if it still runs after
 * {@code cpu_kill_grace_sec}, fails it: "CPU exhausted: N.NN cores used" (403).
 *
 * <p>The node's own upkeep (the class-data archive's training run, a spare handler warming up) is
 * taken out of the node's load: it is this server's work ahead of demand, niced or brief, and must
 * never be why a recording is stopped.
 */
public final class CpuMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CpuMonitor.class);
  static final String CPU_EXHAUSTED = "CPU exhausted";
  private static final double DEFAULT_KILL_THRESHOLD = 0.95;
  private static final int MIN_HIGH_SECONDS = 10;
  private static final int LOW_RESET_SECONDS = 5;

  /** A running handler process as the monitor sees it. */
  public interface Handler {
    /** The handler process; its descendants are measured with it. Egresses may share one. */
    ProcessHandle process();

    /** Ends the egress gracefully with this end reason. */
    void stopWithReason(String reason);

    /**
     * Ends the egress now, its outputs finalized and stored, then FAILED with {@code error} and its
     * results listed (memory ran out: what was recorded is kept).
     */
    void fail(PsrpcException error);

    /** Fails the egress with {@code error}, killing the process if it has not exited after {@code graceMs}. */
    void kill(PsrpcException error, long graceMs);
  }

  private final Admission admission;
  private final CpuCost costs;
  private final Supplier<? extends Map<String, ? extends Handler>> handlers;
  private final Supplier<? extends Collection<ProcessHandle>> upkeep;
  private final Map<Long, ProcessCpu.Tree> trees = new HashMap<>(); // by handler pid
  private final Map<Long, ProcessCpu.Tree> upkeepTrees = new HashMap<>(); // by pid
  private final int cores = Runtime.getRuntime().availableProcessors();
  private final Map<String, Double> usage = new HashMap<>();
  private final ProcessCpu.Node node = new ProcessCpu.Node();
  private final ScheduledExecutorService timer;

  private volatile double load;
  private int highSeconds;
  private int lowSeconds;
  private long stopRequestedAt;
  private String stoppedEgress;

  public CpuMonitor(Admission admission, CpuCost costs, Supplier<? extends Map<String, ? extends Handler>> handlers) {
    this(admission, costs, handlers, List::of);
  }

  /** @param upkeep the node's own processes whose CPU is not load (each measured with its descendants) */
  public CpuMonitor(Admission admission, CpuCost costs, Supplier<? extends Map<String, ? extends Handler>> handlers,
      Supplier<? extends Collection<ProcessHandle>> upkeep) {
    this.admission = admission;
    this.costs = costs;
    this.handlers = handlers;
    this.upkeep = upkeep;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cpu-monitor");
      t.setDaemon(true);
      return t;
    });
  }

  public CpuMonitor start() {
    timer.scheduleAtFixedRate(this::sampleSafely, 1, 1, TimeUnit.SECONDS);
    return this;
  }

  /** The node's CPU load (0..1) at the last sample. */
  public double load() {
    return load;
  }

  /** The cores each running handler used at the last sample. */
  public synchronized Map<String, Double> usage() {
    return Map.copyOf(usage);
  }

  private void sampleSafely() {
    try {
      sample(System.nanoTime(), node.sample());
    } catch (RuntimeException e) {
      log.warn("CPU sample failed", e);
    }
  }

  /** One round: measures every handler; {@code nodeLoad} (NaN: unknown) drives the protection. */
  synchronized void sample(long now, double nodeLoad) {
    Map<String, ? extends Handler> running = handlers.get();
    // egresses sharing a handler process share its measured CPU equally
    Map<Long, Integer> sharing = new HashMap<>();
    Map<Long, Double> byProcess = new HashMap<>();
    for (Handler h : running.values()) {
      long pid = h.process().pid();
      sharing.merge(pid, 1, Integer::sum);
      byProcess.computeIfAbsent(pid, p -> trees.computeIfAbsent(p, q -> new ProcessCpu.Tree(h.process())).sample(now));
    }
    trees.keySet().retainAll(sharing.keySet());
    usage.keySet().retainAll(running.keySet());
    String busiest = null;
    double busiestCores = 0;
    for (Map.Entry<String, ? extends Handler> e : running.entrySet()) {
      long pid = e.getValue().process().pid();
      double cores = byProcess.get(pid) / sharing.get(pid);
      if (Double.isNaN(cores)) {
        continue;
      }
      usage.put(e.getKey(), cores);
      admission.measured(e.getKey(), cores);
      // an egress still starting is not stopped for its start-up cost: a handler JVM compiles its hot
      // code in its first seconds, and a burst of starts would otherwise stop the egresses it brought
      if (cores > admission.reservedCost(e.getKey()) && cores > busiestCores && !admission.starting(e.getKey())) {
        busiest = e.getKey();
        busiestCores = cores;
      }
    }
    double upkeepCores = upkeepCores(now);
    if (!Double.isNaN(nodeLoad)) {
      double l = Math.max(0, nodeLoad - upkeepCores / cores);
      load = l;
      protect(l, running, busiest, busiestCores, now);
    }
  }

  /** The cores the node's upkeep processes used since the last sample (0 for one first seen). */
  private double upkeepCores(long now) {
    Map<Long, ProcessHandle> current = new HashMap<>();
    for (ProcessHandle p : upkeep.get()) {
      current.put(p.pid(), p);
    }
    upkeepTrees.keySet().retainAll(current.keySet());
    double sum = 0;
    for (ProcessHandle p : current.values()) {
      double c = upkeepTrees.computeIfAbsent(p.pid(), q -> new ProcessCpu.Tree(p)).sample(now);
      if (!Double.isNaN(c)) {
        sum += c;
      }
    }
    return sum;
  }

  private void protect(double l, Map<String, ? extends Handler> running, String busiest, double busiestCores,
      long now) {
    double threshold = DEFAULT_KILL_THRESHOLD;
    if (threshold <= costs.maxCpuUtilization()) {
      threshold = (1 + costs.maxCpuUtilization()) / 2;
    }
    if (l <= threshold) {
      if (++lowSeconds >= LOW_RESET_SECONDS) {
        highSeconds = 0;
      }
      return;
    }
    lowSeconds = 0;
    log.warn("high cpu usage: load {} with {} egresses", String.format(Locale.ROOT, "%.2f", l), running.size());
    if (running.size() <= 1) {
      return;
    }
    if (stoppedEgress == null) {
      if (++highSeconds < MIN_HIGH_SECONDS || busiest == null) {
        return;
      }
      log.warn("asking egress {} to stop: {} cores used", busiest, String.format(Locale.ROOT, "%.2f", busiestCores));
      running.get(busiest).stopWithReason(CPU_EXHAUSTED);
      stoppedEgress = busiest;
      stopRequestedAt = now;
      highSeconds = 0;
      return;
    }
    if (now - stopRequestedAt < TimeUnit.SECONDS.toNanos(costs.cpuKillGraceSec())) {
      return;
    }
    Handler stopped = running.get(stoppedEgress);
    if (stopped != null) {
      double used = usage.getOrDefault(stoppedEgress, 0.0);
      log.warn("egress {} still running after the grace period: killing it", stoppedEgress);
      stopped.kill(new PsrpcException(PsrpcCode.PERMISSION_DENIED,
          String.format(Locale.ROOT, "%s: %.2f cores used", CPU_EXHAUSTED, used)), 5_000);
    }
    stoppedEgress = null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
