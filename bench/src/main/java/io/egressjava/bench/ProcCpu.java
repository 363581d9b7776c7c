package io.egressjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** CPU time (user + system, seconds) and resident memory of processes, read from /proc/<pid>. */
final class ProcCpu {
  private static final double TICK = 100.0; // USER_HZ on Linux

  private ProcCpu() {}

  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICK; // utime, stime (fields 14, 15)
    } catch (IOException | RuntimeException e) {
      return 0; // gone
    }
  }

  static double seconds(Collection<Long> pids) {
    return pids.stream().mapToDouble(ProcCpu::seconds).sum();
  }

  /** Resident memory (MB) of processes, summed; a process gone counts 0. */
  static double rssMb(Collection<Long> pids) {
    return pids.stream().mapToLong(ProcCpu::rssKb).sum() / 1024.0;
  }

  /** Resident memory (kB) of a process, 0 when it is gone. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }
}
