package io.egressjava.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Memory read from {@code /proc} and the cgroup file system: the resident set of a process and all
 * its descendants (a handler with its Chrome), and the working set of the cgroup this service runs
 * in (usage minus inactive page cache, what the kernel's OOM killer and Kubernetes go by).
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Bytes resident of {@code root} and its descendants; 0 if it is gone. */
  static long treeRss(ProcessHandle root) {
    return Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> rss(p.pid())).sum();
  }

  /** VmRSS of one process in bytes; 0 if it is gone (or a kernel thread). */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited between listing and reading
    }
    return 0;
  }

  /** The memory controller of this process's cgroup (v2 or v1), if it has one we can read. */
  public static final class Cgroup {
    private final Path usage;
    private final Path stat;
    private final String inactiveKey;

    private Cgroup(Path usage, Path stat, String inactiveKey) {
      this.usage = usage;
      this.stat = stat;
      this.inactiveKey = inactiveKey;
    }

    /** This process's cgroup as {@code /proc/self/cgroup} names it under {@code /sys/fs/cgroup}. */
    public static Optional<Cgroup> ofThisProcess() {
      try {
        return find(Files.readAllLines(Path.of("/proc/self/cgroup")), Path.of("/sys/fs/cgroup"));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /** From the lines of a {@code /proc/<pid>/cgroup} and the cgroup mount point. */
    static Optional<Cgroup> find(List<String> cgroupLines, Path mount) {
      for (String line : cgroupLines) {
        String[] f = line.split(":", 3);
        if (f.length < 3) {
          continue;
        }
        String rel = f[2].startsWith("/") ? f[2].substring(1) : f[2];
        if (f[0].equals("0") && f[1].isEmpty()) { // v2: one unified hierarchy
          Path dir = mount.resolve(rel);
          if (Files.isReadable(dir.resolve("memory.current"))) {
            return Optional.of(new Cgroup(dir.resolve("memory.current"), dir.resolve("memory.stat"),
                "inactive_file"));
          }
        } else if (List.of(f[1].split(",")).contains("memory")) { // v1: the memory controller's own tree
          Path dir = mount.resolve("memory").resolve(rel);
          if (Files.isReadable(dir.resolve("memory.usage_in_bytes"))) {
            return Optional.of(new Cgroup(dir.resolve("memory.usage_in_bytes"), dir.resolve("memory.stat"),
                "total_inactive_file"));
          }
        }
      }
      return Optional.empty();
    }

    /** Bytes in use minus inactive page cache (which the kernel reclaims before it kills); empty if unreadable. */
    public OptionalLong workingSet() {
      try {
        long used = Long.parseLong(Files.readString(usage).trim());
        long inactive = 0;
        for (String line : Files.readAllLines(stat)) {
          if (line.startsWith(inactiveKey + " ")) {
            inactive = Long.parseLong(line.substring(inactiveKey.length() + 1).trim());
          }
        }
        return OptionalLong.of(Math.max(0, used - inactive));
      } catch (IOException | RuntimeException e) {
        return OptionalLong.empty();
      }
    }

    @Override
    public String toString() {
      return usage.getParent().toString();
    }
  }
}
