package io.egressjava.server.handler;

import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.files.FileTrees;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of one handler process: its control link and the egresses it runs.
 * Started ahead of demand; {@link #up()} completes once the process has connected and said READY.
 * Its capacity, in units, is fixed by the first egress it takes: 1 for a browser egress (which
 * then has it alone), more for the others, each of which takes a number of units by its kind
 * ({@link HandlerProcesses}). Closing the control link retires it: the handler finishes what it
 * runs and exits.
 */
final class HandlerHost {
  private static final Logger log = LoggerFactory.getLogger(HandlerHost.class);
  private static final long START_SECONDS = 60;

  private final String name;
  private final CompletableFuture<HandlerHost> up = new CompletableFuture<>();
  private volatile Process process;
  private volatile HandlerLink control;
  private int capacity; // units; 0 until the first egress decides it
  private int load; // units taken by the egresses running
  private int running;
  private int served; // units, over its life
  private boolean retired;
  private long idleSinceNanos = System.nanoTime();

  private HandlerHost(String name) {
    this.name = name;
  }

  /** Launches a handler; returns at once, {@link #up()} tells when it is ready. */
  static HandlerHost launch(HandlerLauncher launcher, String name, java.util.concurrent.Executor waits) {
    HandlerHost host = new HandlerHost(name);
    waits.execute(() -> host.bringUp(launcher));
    return host;
  }

  /** A host for a process already connected and ready (tests drive the handler's side themselves). */
  static HandlerHost connected(String name, Process process, HandlerLink control) {
    HandlerHost host = new HandlerHost(name);
    host.process = process;
    host.control = control;
    host.up.complete(host);
    return host;
  }

  private void bringUp(HandlerLauncher launcher) {
    Path socket = launcher.socketPath(name);
    try (ServerSocketChannel server = HandlerProcessRunner.listen(socket)) {
      process = launcher.launch(socket);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
      HandlerLink link = new HandlerLink(HandlerProcessRunner.awaitConnection(server, process, deadline));
      HandlerLink.Frame hello = HandlerProcessRunner.receiveBefore(link, process, deadline);
      if (hello.kind() != HandlerLink.Kind.READY) {
        throw new IOException("handler sent " + hello.kind() + " before READY");
      }
      control = link;
      log.debug("handler {} ready (pid {})", name, process.pid());
      up.complete(this);
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
      log.warn("could not start handler {}: {}", name, e.getMessage());
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
      }
      synchronized (this) {
        retired = true;
      }
      up.completeExceptionally(e);
    } finally {
      try {
        FileTrees.delete(socket.getParent());
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", socket.getParent(), e.getMessage());
      }
    }
  }

  /** Completes with this host once its process is connected and ready for egresses. */
  CompletableFuture<HandlerHost> up() {
    return up;
  }

  /** The process, null while it is being launched. */
  Process process() {
    return process;
  }

  /**
   * Takes one egress of {@code weight} units if this host can: not retired or dead, and either not
   * yet given a capacity (then {@code capacityIfFirst} becomes it) or with that many units free.
   */
  synchronized boolean reserve(int capacityIfFirst, int weight) {
    Process p = process;
    if (retired || up.isCompletedExceptionally() || (p != null && !p.isAlive())) {
      return false;
    }
    if (capacity == 0) {
      capacity = capacityIfFirst;
    } else if (capacity == 1 || capacityIfFirst == 1 || load + weight > capacity) {
      return false; // one-egress hosts (browser egress) serve once: a fresh process each
    }
    running++;
    load += weight;
    served += weight;
    return true;
  }

  /** An egress of this host that took {@code weight} units ended. */
  synchronized void release(int weight) {
    running--;
    load -= weight;
    if (running == 0) {
      idleSinceNanos = System.nanoTime();
    }
  }

  /** Sends an egress to the handler; it connects its own link to {@code socket}. */
  void assign(long plannedAt, Path socket, StartEgressRequest request) throws IOException {
    control.send(HandlerLink.Kind.ASSIGN, HandlerLink.assignment(plannedAt, socket, request));
  }

  synchronized boolean undecided() {
    return capacity == 0 && !retired;
  }

  synchronized int running() {
    return running;
  }

  /** Units taken by the egresses it runs. */
  synchronized int load() {
    return load;
  }

  synchronized int capacity() {
    return capacity;
  }

  synchronized int served() {
    return served;
  }

  synchronized boolean retired() {
    return retired;
  }

  synchronized long idleNanos(long now) {
    return running == 0 ? now - idleSinceNanos : 0;
  }

  /** No more egresses: the handler exits once those it runs have ended. */
  void retire() {
    synchronized (this) {
      if (retired) {
        return;
      }
      retired = true;
    }
    closeControl();
  }

  /** Retires this handler if it runs nothing (atomically with {@link #reserve}); true if it did. */
  boolean retireIfIdle() {
    synchronized (this) {
      if (retired || running > 0) {
        return false;
      }
      retired = true;
    }
    closeControl();
    return true;
  }

  private void closeControl() {
    HandlerLink c = control;
    if (c != null) {
      c.close();
    } else {
      up.thenAccept(h -> h.control.close()); // still starting: closed once connected
    }
  }

  @Override
  public String toString() {
    Process p = process;
    return name + (p != null ? " (pid " + p.pid() + ")" : "");
  }
}
