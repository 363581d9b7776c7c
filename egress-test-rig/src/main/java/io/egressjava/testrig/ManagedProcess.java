package io.egressjava.testrig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child process whose output goes to a log file under target/rig-logs, destroyed on close. */
public class ManagedProcess implements AutoCloseable {
  private final List<String> command;
  private final Path log;
  private Process process;

  public ManagedProcess(String name, List<String> command) {
    this.command = List.copyOf(command);
    try {
      Path dir = Path.of("target", "rig-logs");
      Files.createDirectories(dir);
      this.log = dir.resolve(name + ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void start() {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path log() {
    return log;
  }

  /**
   * Polls until {@code ready} holds; a process that exits first fails at once, and either failure
   * names the exit or the machine's load and ends with the tail of the process's log.
   */
  public void awaitReady(java.time.Duration timeout, String what, java.util.function.BooleanSupplier ready) {
    Ports.await(timeout, what + " (log " + log + ")", () -> {
      if (ready.getAsBoolean()) {
        return true;
      }
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(what + ": the process exited with status " + p.exitValue()
            + " before it was ready; its log ends: " + logTail());
      }
      return false;
    });
  }

  /** The last lines of the log (at most 1500 characters). */
  public String logTail() {
    try {
      String text = Files.readString(log);
      return text.length() <= 1500 ? text : "..." + text.substring(text.length() - 1500);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** SIGKILL, as a crash or an OOM kill ends it. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** Finds an executable: an explicit path, else each candidate on PATH or as a file. */
  public static String findExecutable(String envVar, String... candidates) {
    String explicit = System.getenv(envVar);
    if (explicit != null && new File(explicit).canExecute()) {
      return explicit;
    }
    for (String c : candidates) {
      if (c.contains("/")) {
        if (new File(c).canExecute()) {
          return c;
        }
        continue;
      }
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        File f = new File(dir, c);
        if (f.canExecute()) {
          return f.getAbsolutePath();
        }
      }
    }
    throw new IllegalStateException("none of " + List.of(candidates) + " found (set " + envVar
        + ", or run scripts/setup.sh which installs the test servers)");
  }
}
