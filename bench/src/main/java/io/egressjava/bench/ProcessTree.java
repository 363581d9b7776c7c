package io.egressjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU and memory of a server's whole process tree (service, handlers and what they start), sampled
 * from /proc every 100 ms. A handler that exits takes its CPU time with it from /proc, so each
 * process's last sample is kept: the total misses at most 100 ms of a process's last moments.
 */
final class ProcessTree implements AutoCloseable {
  private static final long PAGE = 4096;
  private final ProcessHandle root;
  private final Map<Long, Double> cpuByPid = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "process-tree");
    t.setDaemon(true);
    return t;
  });
  private volatile long rssBytes;
  private volatile long peakRssBytes;

  ProcessTree(ProcessHandle root) {
    this.root = root;
    sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    long rss = 0;
    for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).toList()) {
      double cpu = ProcCpu.seconds(p.pid());
      if (cpu > 0) {
        cpuByPid.merge(p.pid(), cpu, Math::max);
      }
      rss += residentBytes(p.pid());
    }
    rssBytes = rss;
    peakRssBytes = Math.max(peakRssBytes, rss);
  }

  private static long residentBytes(long pid) {
    try {
      String[] f = Files.readString(Path.of("/proc", Long.toString(pid), "statm")).trim().split(" ");
      return Long.parseLong(f[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return 0; // gone
    }
  }

  /** CPU seconds used by every process of the tree so far, those that exited included. */
  double cpuSeconds() {
    return cpuByPid.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Resident memory of the live processes at the last sample. */
  long rssBytes() {
    return rssBytes;
  }

  /** Largest resident memory of the tree since {@link #resetPeak}. */
  long peakRssBytes() {
    return peakRssBytes;
  }

  void resetPeak() {
    peakRssBytes = rssBytes;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
