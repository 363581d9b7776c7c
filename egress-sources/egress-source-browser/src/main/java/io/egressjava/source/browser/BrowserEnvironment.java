package io.egressjava.source.browser;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What all browser egresses of one process share: the sound server, the record of started
 * processes, and where Chrome profiles go. Creating it cleans up after a previous crash.
 */
public final class BrowserEnvironment {
  private final Path baseDir;
  private final SoundServer sound;
  private final OrphanReaper reaper;

  private BrowserEnvironment(Path baseDir) {
    this(baseDir, baseDir);
  }

  private BrowserEnvironment(Path soundBase, Path baseDir) {
    this.baseDir = baseDir;
    this.sound = new SoundServer(soundBase.resolve("pulse-runtime"));
    this.reaper = new OrphanReaper(baseDir.resolve("pids"));
  }

  /** Starts (or reuses) PulseAudio under {@code baseDir} and removes what a crashed run left behind. */
  public static BrowserEnvironment create(Path baseDir) {
    BrowserEnvironment env = new BrowserEnvironment(baseDir);
    env.sound.ensureRunning();
    env.reaper.reapAll(env.sound);
    return env;
  }

  /**
   * For a handler process recording one egress: shares the node's PulseAudio under
   * {@code sharedDir} (started there by the service) and keeps its own processes and profiles under
   * {@code ownDir}. Nothing is reaped here: the other handlers' sinks and browsers are in use; the
   * service reaps {@code ownDir} when this handler has exited ({@link #reapHandler}).
   */
  public static BrowserEnvironment attach(Path sharedDir, Path ownDir) {
    BrowserEnvironment env = new BrowserEnvironment(sharedDir, ownDir);
    env.sound.ensureRunning();
    return env;
  }

  /**
   * After a handler process exited (normally or killed): kills what it left running (Chrome, Xvfb)
   * and removes its egress's audio sink from the shared PulseAudio.
   */
  public static void reapHandler(Path sharedDir, Path ownDir, String egressId) {
    if (!Files.isDirectory(ownDir.resolve("pids"))) {
      return; // the handler never started a browser
    }
    BrowserEnvironment env = new BrowserEnvironment(sharedDir, ownDir);
    env.reaper.reapProcesses();
    String sink = SoundServer.sinkName(egressId);
    env.sound.ourSinks().stream().filter(s -> s.name().equals(sink)).forEach(env.sound::remove);
  }

  public SoundServer sound() {
    return sound;
  }

  public OrphanReaper reaper() {
    return reaper;
  }

  public Path profileDir(String egressId) {
    return baseDir.resolve("profiles").resolve(egressId);
  }
}
