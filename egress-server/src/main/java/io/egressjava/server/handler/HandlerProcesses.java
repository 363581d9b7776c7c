package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.files.FileTrees;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.server.MediaRunners;
import io.egressjava.server.RunnerFactory;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.TemplateServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressSourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every egress in a handler process of its own ({@link HandlerProcessRunner}), so that a
 * crash or a kill takes down that egress alone. The service keeps what all handlers share: the
 * template site and the node's PulseAudio; after a handler exits it removes what that handler
 * left (Chrome, Xvfb, its audio sink, its work directory).
 */
public final class HandlerProcesses implements RunnerFactory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandlerProcesses.class);
  private static final long SPARE_DELAY_SECONDS = 5;
  private static final long SPARE_START_SECONDS = 60;

  private final EgressConfig config;
  private final Path workRoot;
  private final HandlerLauncher launcher;
  private final Map<String, HandlerProcessRunner> running = new ConcurrentHashMap<>();
  private final boolean keepSpare;
  private final ScheduledExecutorService spareMaker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "spare-handler");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger spares = new AtomicInteger();
  private HandlerProcessRunner.Spare spare;
  private boolean makingSpare;
  private boolean closed;
  private BrowserEnvironment browser;
  private TemplateServer templates;

  /**
   * @param configBody the YAML the service was configured with, handed to each handler
   * @param workRoot where each egress writes before upload ({@code <workRoot>/<egress id>})
   */
  public HandlerProcesses(EgressConfig config, String configBody, Path workRoot) {
    this(config, configBody, workRoot, true);
  }

  /**
   * @param keepSpare keep one handler started and warmed up ahead of demand, so an egress starts
   *     without waiting for a JVM (its request then comes over the socket, not the environment)
   */
  public HandlerProcesses(EgressConfig config, String configBody, Path workRoot, boolean keepSpare) {
    this.config = config;
    this.workRoot = workRoot;
    this.launcher = new HandlerLauncher(configBody, workRoot);
    this.keepSpare = keepSpare;
    if (keepSpare) {
      makeSpareIn(0);
    }
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    throw new IllegalStateException("a handler process needs the request: create(plan, request)");
  }

  @Override
  public EgressRunner create(EgressPlan plan, StartEgressRequest request) {
    if (plan.sourceType() == EgressSourceType.EGRESS_SOURCE_TYPE_WEB) {
      sharedBrowser();
    }
    HandlerProcessRunner.Spare waiting = takeSpare();
    if (keepSpare) {
      makeSpareIn(SPARE_DELAY_SECONDS); // not at once: a JVM starting now would slow this egress's start
    }
    return new HandlerProcessRunner(launcher, request, waiting, new HandlerProcessRunner.Listener() {
      @Override
      public void ready(HandlerProcessRunner runner) {
        running.put(runner.egressId(), runner);
      }

      @Override
      public void exited(HandlerProcessRunner runner) {
        HandlerProcesses.this.exited(runner);
      }
    });
  }

  /** The handler processes now running, by egress ID. */
  public Map<String, HandlerProcessRunner> running() {
    return Map.copyOf(running);
  }

  private void exited(HandlerProcessRunner runner) {
    String id = runner.egressId();
    running.remove(id);
    BrowserEnvironment.reapHandler(MediaRunners.sharedBrowserDir(workRoot), MediaRunners.handlerBrowserDir(workRoot, id),
        id);
    deleteTree(workRoot.resolve(id));
  }

  private synchronized HandlerProcessRunner.Spare takeSpare() {
    HandlerProcessRunner.Spare s = spare;
    spare = null;
    if (s != null && !s.process().isAlive()) {
      log.warn("the spare handler (pid {}) had exited", s.process().pid());
      return null;
    }
    return s;
  }

  private synchronized void makeSpareIn(long seconds) {
    if (closed || makingSpare || spare != null) {
      return;
    }
    makingSpare = true;
    spareMaker.schedule(this::makeSpare, seconds, TimeUnit.SECONDS);
  }

  /** Starts a handler with no egress yet; it connects, says READY and warms up while it waits. */
  private void makeSpare() {
    HandlerProcessRunner.Spare made = null;
    String name = "spare-" + spares.incrementAndGet();
    Path socket = launcher.socketPath(name);
    Process process = null;
    try (ServerSocketChannel server = HandlerProcessRunner.listen(socket)) {
      process = launcher.launchSpare(socket);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SPARE_START_SECONDS);
      HandlerLink link = new HandlerLink(HandlerProcessRunner.awaitConnection(server, process, deadline));
      HandlerLink.Frame hello = HandlerProcessRunner.receiveBefore(link, process, deadline);
      if (hello.kind() != HandlerLink.Kind.READY) {
        throw new IOException("spare sent " + hello.kind());
      }
      made = new HandlerProcessRunner.Spare(process, link);
      log.debug("spare handler ready (pid {})", process.pid());
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
      log.warn("could not start a spare handler: {}", e.getMessage());
      if (process != null) {
        process.destroyForcibly();
      }
    } finally {
      deleteTree(socket.getParent());
    }
    synchronized (this) {
      makingSpare = false;
      if (made != null && (closed || spare != null)) {
        made.process().destroyForcibly();
      } else if (made != null) {
        spare = made;
      }
    }
  }

  /** The node's PulseAudio and the template site, started with the first browser egress. */
  private synchronized void sharedBrowser() {
    if (browser == null) {
      browser = BrowserEnvironment.create(MediaRunners.sharedBrowserDir(workRoot));
      templates = TemplateServer.start(config.templatePort());
    }
  }

  private static void deleteTree(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.getMessage());
    }
  }


  @Override
  public synchronized void close() {
    closed = true;
    spareMaker.shutdownNow();
    if (spare != null) {
      spare.link().close(); // the spare exits when its link closes
      spare.process().destroy();
      spare = null;
    }
    if (templates != null) {
      templates.close();
      templates = null;
    }
  }
}
