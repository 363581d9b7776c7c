package io.egressjava.source.browser;

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
    this.baseDir = baseDir;
    this.sound = new SoundServer(baseDir.resolve("pulse-runtime"));
    this.reaper = new OrphanReaper(baseDir.resolve("pids"));
  }

  /** Starts (or reuses) PulseAudio under {@code baseDir} and removes what a crashed run left behind. */
  public static BrowserEnvironment create(Path baseDir) {
    BrowserEnvironment env = new BrowserEnvironment(baseDir);
    env.sound.ensureRunning();
    env.reaper.reapAll(env.sound);
    return env;
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
