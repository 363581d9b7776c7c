package io.egressjava.source.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the processes the browser source starts (Xvfb, Chrome) in a state directory, so that a
 * crashed or killed egress process leaves nothing behind for long: the next start-up kills whatever
 * is still running from that list and removes our leftover audio sinks.
 */
public final class OrphanReaper {
  private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
  private final Path dir;

  public OrphanReaper(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BrowserException("cannot create " + dir + ": " + e.getMessage());
    }
  }

  /** Records a started process with its command line (a reused pid is then not mistaken for it). */
  public void track(long pid) {
    try {
      Files.write(dir.resolve(Long.toString(pid)), cmdline(pid));
    } catch (IOException e) {
      log.warn("cannot record process {}: {}", pid, e.getMessage());
    }
  }

  public void untrack(long pid) {
    try {
      Files.deleteIfExists(dir.resolve(Long.toString(pid)));
    } catch (IOException e) {
      log.warn("cannot forget process {}: {}", pid, e.getMessage());
    }
  }

  /** Kills recorded processes that still run (and their children); returns how many. */
  public int reapProcesses() {
    int killed = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        long pid = Long.parseLong(f.getFileName().toString());
        byte[] recorded = Files.readAllBytes(f);
        if (recorded.length > 0 && Arrays.equals(recorded, cmdline(pid))) {
          ProcessHandle.of(pid).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          });
          log.info("killed orphaned process {} ({})", pid, new String(recorded).replace('\0', ' ').trim());
          killed++;
        }
        Files.deleteIfExists(f);
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("orphan scan of {} incomplete: {}", dir, e.getMessage());
    }
    return killed;
  }

  /** Start-up clean-up: orphaned processes, then our audio sinks (none can be in use yet). */
  public void reapAll(SoundServer sound) {
    reapProcesses();
    for (SoundServer.Sink s : sound.ourSinks()) {
      log.info("removing orphaned audio sink {}", s.name());
      sound.remove(s);
    }
  }

  private static byte[] cmdline(long pid) {
    try {
      return Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
