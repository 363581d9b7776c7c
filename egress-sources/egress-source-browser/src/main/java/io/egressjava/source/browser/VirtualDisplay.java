package io.egressjava.source.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Xvfb server per egress. Xvfb picks a free display number itself ({@code -displayfd}) and
 * writes it once it accepts connections, which is both allocation and readiness.
 */
public final class VirtualDisplay implements AutoCloseable {
  private final Process process;
  private final int number;

  private VirtualDisplay(Process process, int number) {
    this.process = process;
    this.number = number;
  }

  public static VirtualDisplay start(int width, int height, OrphanReaper reaper) {
    try {
      Process p = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", width + "x" + height + "x24",
          "-nolisten", "tcp", "-ac", "-nocursor").redirectError(ProcessBuilder.Redirect.DISCARD).start();
      reaper.track(p.pid());
      CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
        try {
          return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (IOException e) {
          return null;
        }
      });
      String n = line.get(10, TimeUnit.SECONDS);
      if (n == null || n.isBlank()) {
        p.destroyForcibly();
        throw new BrowserException("Xvfb did not start (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
      }
      return new VirtualDisplay(p, Integer.parseInt(n.trim()));
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new BrowserException("Xvfb did not start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrowserException("interrupted while starting Xvfb");
    }
  }

  /** The DISPLAY value, e.g. ":101". */
  public String display() {
    return ":" + number;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
