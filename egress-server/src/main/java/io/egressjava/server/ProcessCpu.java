package io.egressjava.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU use read from {@code /proc}: of a process and all its descendants (a handler with its
 * Chrome, Xvfb and helpers), and of the whole node. Each tree keeps the previous reading of every
 * member (keyed by pid and start time, so a reused pid is a new process) and reports the cores
 * used between two readings.
 */
final class ProcessCpu {
  private static final double TICKS_PER_SECOND = clockTicks();

  private ProcessCpu() {}

  /** Measures one process tree: {@link #sample} returns the cores used since the last call. */
  static final class Tree {
    private final ProcessHandle root;
    private Map<String, Long> last;
    private long lastNanos;

    Tree(ProcessHandle root) {
      this.root = root;
    }

    /** Cores used since the previous call; NaN on the first call or when the root is gone. */
    double sample(long nowNanos) {
      if (!root.isAlive()) {
        return Double.NaN;
      }
      Map<String, Long> now = new HashMap<>();
      Stream.concat(Stream.of(root), root.descendants()).forEach(p -> read(p.pid(), now));
      double cores = Double.NaN;
      if (last != null && nowNanos > lastNanos) {
        long ticks = 0;
        for (Map.Entry<String, Long> e : now.entrySet()) {
          // a process that appeared since the last reading counts from its start
          ticks += e.getValue() - last.getOrDefault(e.getKey(), 0L);
        }
        cores = Math.max(0, ticks / TICKS_PER_SECOND / ((nowNanos - lastNanos) / 1e9));
      }
      last = now;
      lastNanos = nowNanos;
      return cores;
    }
  }

  /** The node's busy fraction (0..1) between two readings of {@code /proc/stat}. */
  static final class Node {
    private long lastTotal = -1;
    private long lastIdle;

    /** NaN on the first call. */
    double sample() {
      long[] t = nodeTimes();
      double load = Double.NaN;
      if (lastTotal >= 0 && t[0] > lastTotal) {
        load = 1.0 - (double) (t[1] - lastIdle) / (t[0] - lastTotal);
      }
      lastTotal = t[0];
      lastIdle = t[1];
      return load;
    }
  }

  /** utime + stime of one process into {@code into}, keyed "pid/starttime"; nothing if it is gone. */
  private static void read(long pid, Map<String, Long> into) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces and parentheses: fields count from the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      into.put(pid + "/" + f[19], utime + stime);
    } catch (IOException | RuntimeException e) {
      // exited between listing and reading
    }
  }

  /** {total, idle + iowait} jiffies from the first line of /proc/stat. */
  private static long[] nodeTimes() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100; // USER_HZ on every Linux we run on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
