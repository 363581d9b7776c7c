package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.files.FileTrees;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.embedded.RunnerFactory;
import io.egressjava.server.spool.SpoolSalvage;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.BrowserSources;
import io.egressjava.source.browser.TemplateServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressSourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs egresses in handler processes ({@link HandlerHost}), so that a crash or a kill takes down
 * only the egresses of that process: a browser egress has a process of its own; the others share
 * one, up to {@code egresses_per_handler} each — or {@code track_egresses_per_handler} passthrough
 * track egresses, which need far less; a handler holds a mix in proportion — so a burst starts in
 * a JVM that is already warm and pays for one JVM instead of one each. While egresses are being requested (within
 * {@value #SPARE_KEEP_SECONDS} s of the last request) one warm handler with room is kept: a shared
 * one that has room, else a spare started and warmed up ahead of demand; other idle handlers are
 * retired, and a node without requests for {@value #SPARE_KEEP_SECONDS} s keeps none, so it costs
 * the service's JVM alone. Its start counts as a request: a node is started to take egresses, and
 * without a spare its first one waited for a JVM to start and warm up (native composite: ACTIVE
 * 6–8 s after the request). A shared handler that has served
 * {@value #SERVED_PER_CAPACITY}× its capacity is retired once idle. The service keeps what all
 * handlers share: the template site and the node's PulseAudio; after an egress ends it removes what
 * it left (Chrome, Xvfb, its audio sink, its work directory). When a handler dies before its
 * egresses ended, what they recorded is finalized and stored first ({@link SpoolSalvage}); what
 * cannot be stored stays in the work directory.
 */
public final class HandlerProcesses implements RunnerFactory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandlerProcesses.class);
  /** After the spare was taken: not at once, a JVM starting now would slow the egresses starting. */
  private static final long SPARE_DELAY_SECONDS = 5;
  /** How long a shared handler must have been idle before it may be retired. */
  static final long IDLE_RETIRE_SECONDS = 5;
  /** A long-lived JVM is renewed now and then (native heaps fragment, caches grow). */
  static final int SERVED_PER_CAPACITY = 5;
  /** How long after the last request a spare is kept (recent demand predicts the next). */
  static final long SPARE_KEEP_SECONDS = 600;

  private final EgressConfig config;
  private final Path workRoot;
  private final HandlerLauncher launcher;
  /** Finishes what a dead handler's egresses recorded. */
  private final SpoolSalvage salvage;
  private final Map<String, HandlerProcessRunner> running = new ConcurrentHashMap<>();
  private final boolean keepSpare;
  /** Units of a shared handler: egresses_per_handler × track_egresses_per_handler. */
  private final int sharedCapacity;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "handler-pool");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger launched = new AtomicInteger();
  private final List<HandlerHost> hosts = new ArrayList<>(); // guarded by this
  private boolean spareScheduled;
  private long lastRequestNanos = System.nanoTime(); // the start counts as a request
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

  /** @param keepSpare keep one handler started and warmed up ahead of demand while there is demand */
  public HandlerProcesses(EgressConfig config, String configBody, Path workRoot, boolean keepSpare) {
    this.config = config;
    this.workRoot = workRoot;
    this.launcher = new HandlerLauncher(configBody, workRoot);
    this.salvage = new SpoolSalvage(config, Path.of("/")); // local storage paths resolve as the handlers' do
    this.keepSpare = keepSpare;
    this.sharedCapacity = config.egressesPerHandler() * config.trackEgressesPerHandler();
    scheduleSpare(0); // first: ready for the first request, whether or not the archive is made yet
    timer.execute(launcher::prepareArchive); // then: every handler after it starts faster
    timer.scheduleWithFixedDelay(this::retireIdle, 5, 5, TimeUnit.SECONDS);
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    throw new IllegalStateException("a handler process needs the request: create(plan, request)");
  }

  @Override
  public EgressRunner create(EgressPlan plan, StartEgressRequest request) {
    // a browser gets a process of its own; a composite without one shares handlers as the SDK egresses do
    boolean ownProcess = plan.sourceType() == EgressSourceType.EGRESS_SOURCE_TYPE_WEB
        && !io.egressjava.source.room.composite.NativeComposites.takes(config, plan);
    if (ownProcess) {
      sharedBrowser();
    }
    int weight = ownProcess ? 1 : weight(plan);
    HandlerHost host = reserve(ownProcess ? 1 : sharedCapacity, weight);
    return new HandlerProcessRunner(launcher, request, host, new HandlerProcessRunner.Listener() {
      @Override
      public void ready(HandlerProcessRunner runner) {
        running.put(runner.egressId(), runner);
      }

      @Override
      public void exited(HandlerProcessRunner runner) {
        HandlerProcesses.this.exited(runner, weight);
      }

      @Override
      public Consumer<EgressInfo.Builder> salvage(HandlerProcessRunner runner) {
        EgressSession session = runner.session();
        SpoolSalvage.Salvaged done = salvage.salvage(session.plan(), workRoot.resolve(runner.egressId()),
            session.info().getStartedAt());
        return b -> done.applyTo(b, session.plan());
      }
    });
  }

  /**
   * The units of a shared handler an egress takes: a track egress 1/track_egresses_per_handler of
   * it, any other 1/egresses_per_handler.
   */
  private int weight(EgressPlan plan) {
    return plan.requestType() == io.egressjava.core.plan.RequestType.TRACK ? config.egressesPerHandler()
        : config.trackEgressesPerHandler();
  }

  /** The egresses now running in handlers, by egress ID. */
  public Map<String, HandlerProcessRunner> running() {
    return Map.copyOf(running);
  }

  /**
   * The node's own work ahead of demand: the class-data archive's training run and spare handlers
   * with no egress yet (warming up). Their CPU is not load a recording causes ({@code CpuMonitor}).
   */
  public List<ProcessHandle> upkeep() {
    List<ProcessHandle> all = new ArrayList<>();
    launcher.trainingRun().ifPresent(all::add);
    synchronized (this) {
      for (HandlerHost h : hosts) {
        Process p = h.process();
        if (p != null && h.undecided()) {
          all.add(p.toHandle());
        }
      }
    }
    return all;
  }

  /** Drops handlers that died or never came up. */
  private synchronized void forgetDead() {
    hosts.removeIf(h -> h.process() != null && !h.process().isAlive() || h.up().isCompletedExceptionally());
  }

  /**
   * A handler for one more egress of {@code weight} units: the fullest shared one with room (so
   * that a burst fills one warm JVM before it starts another), else the spare, else a new one.
   */
  private synchronized HandlerHost reserve(int capacity, int weight) {
    lastRequestNanos = System.nanoTime();
    HandlerHost chosen = null;
    if (capacity > 1) {
      for (HandlerHost h : hosts) {
        if (h.capacity() == capacity && hasRoom(h, weight) && (chosen == null || h.load() > chosen.load())) {
          chosen = h;
        }
      }
    }
    if (chosen != null && chosen.reserve(capacity, weight)) {
      scheduleSpare(SPARE_DELAY_SECONDS); // made only if no handler is left with room
      return chosen;
    }
    for (HandlerHost h : hosts) {
      if (h.undecided() && h.reserve(capacity, weight)) {
        scheduleSpare(SPARE_DELAY_SECONDS);
        return h;
      }
    }
    HandlerHost fresh = launch();
    if (!fresh.reserve(capacity, weight)) {
      throw new IllegalStateException("a new handler refused its first egress");
    }
    scheduleSpare(SPARE_DELAY_SECONDS);
    return fresh;
  }

  private synchronized HandlerHost launch() {
    HandlerHost h = HandlerHost.launch(launcher, "handler-" + launched.incrementAndGet(), HandlerProcessRunner.WAITS);
    hosts.add(h);
    return h;
  }

  private synchronized void scheduleSpare(long seconds) {
    if (!keepSpare || closed || spareScheduled) {
      return;
    }
    spareScheduled = true;
    timer.schedule(this::makeSpare, seconds, TimeUnit.SECONDS);
  }

  private synchronized void makeSpare() {
    spareScheduled = false;
    if (closed) {
      return;
    }
    forgetDead();
    if (hosts.stream().noneMatch(h -> h.undecided() || hasRoom(h))) {
      launch();
    }
  }

  /** A shared handler that can take another egress of {@code weight} units now. */
  private static boolean hasRoom(HandlerHost h, int weight) {
    Process p = h.process();
    return h.capacity() > 1 && !h.retired() && h.load() + weight <= h.capacity()
        && h.served() < SERVED_PER_CAPACITY * h.capacity() && (p == null || p.isAlive());
  }

  /** A shared handler that can take another egress of the smallest kind now. */
  private boolean hasRoom(HandlerHost h) {
    return hasRoom(h, Math.min(config.egressesPerHandler(), config.trackEgressesPerHandler()));
  }

  /**
   * Keeps one warm handler while there is demand — a shared one with room, else the spare — and
   * retires the rest once idle: a shared handler that has served its share, an idle one when
   * another handler is warm (each idle JVM is ~150 MB the node would carry for nothing), and
   * everything idle when requests stopped {@value #SPARE_KEEP_SECONDS} s ago.
   */
  private void retireIdle() {
    long now = System.nanoTime();
    boolean demand = now - lastRequestNanos <= TimeUnit.SECONDS.toNanos(SPARE_KEEP_SECONDS);
    synchronized (this) {
      hosts.removeIf(h -> h.capacity() > 1 && h.served() >= SERVED_PER_CAPACITY * h.capacity() && h.retireIfIdle());
      boolean warm = hosts.stream().anyMatch(h -> h.undecided() || hasRoom(h) && h.running() > 0);
      for (java.util.Iterator<HandlerHost> it = hosts.iterator(); it.hasNext(); ) {
        HandlerHost h = it.next();
        if (h.capacity() <= 1 || h.idleNanos(now) < TimeUnit.SECONDS.toNanos(IDLE_RETIRE_SECONDS)) {
          continue;
        }
        if (demand && !warm) {
          warm = true; // this one stays as the warm handler
        } else if (h.retireIfIdle()) {
          it.remove();
        }
      }
      if (!demand) {
        hosts.removeIf(h -> h.undecided() && h.retireIfIdle());
      }
      forgetDead();
    }
  }

  private void retire(HandlerHost h) {
    h.retire();
    synchronized (this) {
      hosts.remove(h);
    }
  }

  private void exited(HandlerProcessRunner runner, int weight) {
    String id = runner.egressId();
    try {
      HandlerHost h = runner.host();
      h.release(weight);
      if (h.capacity() == 1) {
        retire(h); // a browser egress's process serves once
      }
      BrowserEnvironment.reapHandler(BrowserSources.sharedDir(workRoot), BrowserSources.handlerDir(workRoot, id), id);
      removeSpool(runner, workRoot.resolve(id));
    } finally {
      running.remove(id); // only now: close() waits for this, so an exit right after a drain leaves no spool behind
    }
  }

  private void removeSpool(HandlerProcessRunner runner, Path work) {
    String id = runner.egressId();
    // a relinquished egress belongs to the instance that replaced it: what it wrote here must not
    // be kept, or a restart's spool recovery would report it over that instance's result
    boolean completed = !runner.handlerLost() && (runner.session().relinquished()
        || runner.session().status() == livekit.LivekitEgress.EgressStatus.EGRESS_COMPLETE);
    List<Path> left = completed ? List.of() : SpoolSalvage.leftovers(work);
    if (!left.isEmpty()) {
      // recorded and not stored (storage refused it, or an output the salvage does not finish):
      // never deleted — the reference's handler loses it; left for the operator
      log.warn("egress {} ended {}: what could not be stored is kept in {}: {}", id,
          runner.handlerLost() ? "with its handler" : runner.session().status(), work, left);
      return;
    }
    deleteTree(work);
  }

  /** The node's PulseAudio and the template site, started with the first browser egress. */
  private synchronized void sharedBrowser() {
    if (browser == null) {
      browser = BrowserEnvironment.create(BrowserSources.sharedDir(workRoot));
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

  /** Retires every handler: each exits once the egresses it runs have ended. */
  @Override
  public void close() {
    // an egress that has ended still closes its link, and only then is its spool removed: a drain
    // that exits right after the last final update would leave every spool behind (bounded wait)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<HandlerHost> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(hosts);
      hosts.clear();
      if (templates != null) {
        templates.close();
        templates = null;
      }
    }
    timer.shutdownNow();
    all.forEach(HandlerHost::retire);
  }
}
