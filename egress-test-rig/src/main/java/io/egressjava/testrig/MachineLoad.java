package io.egressjava.testrig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the machine was busy with, for timeout messages: a wait that runs out on a loaded machine
 * then says so (load average and the busiest processes), instead of only naming what it waited for.
 */
public final class MachineLoad {
  private MachineLoad() {}

  /** "load 1.9 2.1 2.0; busiest: 180% java (pid 12, 35 s), ..." — best effort, never throws. */
  public static String describe() {
    StringBuilder out = new StringBuilder();
    try {
      String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      out.append("load ").append(avg[0]).append(' ').append(avg[1]).append(' ').append(avg[2]);
    } catch (IOException | RuntimeException e) {
      out.append("load unknown");
    }
    try {
      Process ps = new ProcessBuilder("ps", "-eo", "pcpu=,pid=,etimes=,comm=", "--sort=-pcpu").redirectErrorStream(true)
          .start();
      String[] lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
      ps.waitFor(5, TimeUnit.SECONDS);
      out.append("; busiest:");
      for (int i = 0; i < Math.min(5, lines.length); i++) {
        String[] f = lines[i].trim().split("\\s+", 4);
        if (f.length == 4) {
          out.append(i == 0 ? " " : ", ").append(f[0]).append("% ").append(f[3]).append(" (pid ").append(f[1])
              .append(", ").append(f[2]).append(" s)");
        }
      }
    } catch (IOException | RuntimeException e) {
      out.append("; no ps");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out.toString();
  }
}
