package io.egressjava.core.lifecycle;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads: an egress's helpers must never keep a process alive after it ends. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Makes daemon threads called {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts {@code task} on a daemon thread called {@code name}. */
  public static Thread start(String name, Runnable task) {
    Thread t = named(name).newThread(task);
    t.start();
    return t;
  }
}
