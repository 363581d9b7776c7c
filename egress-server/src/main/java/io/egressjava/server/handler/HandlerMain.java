package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.core.lifecycle.EgressLogFields;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.server.handler.HandlerLink.Kind;
import io.egressjava.server.logging.LogSetup;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A handler process, started by the service ({@link HandlerProcesses}) ahead of demand: it connects
 * its control link, says READY and warms up, then runs each egress the service assigns to it
 * ({@link HostedEgress}, on a link of its own) — one for a browser egress, up to
 * {@code egresses_per_handler} for the others. Everything it needs comes through the environment
 * and the links (no secrets on the command line); it never talks to Redis. When the control link
 * closes (the service retired it, or went away) it finishes what it runs and exits.
 */
public final class HandlerMain {
  static final String ENV_CONFIG = "EGRESS_HANDLER_CONFIG_BODY";
  static final String ENV_SOCKET = "EGRESS_HANDLER_SOCKET";
  static final String ENV_WORK_ROOT = "EGRESS_HANDLER_WORK_ROOT";

  private static final Logger log = LoggerFactory.getLogger(HandlerMain.class);
  /** How long a handler stays idle before it collects: a burst's next request usually comes sooner. */
  static final long COMPACT_AFTER_IDLE_MS = 2_000;

  private final EgressConfig config;
  private final MediaRunners runners;
  private final Path workRoot;
  private int running;

  private HandlerMain(EgressConfig config, MediaRunners runners, Path workRoot) {
    this.config = config;
    this.runners = runners;
    this.workRoot = workRoot;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--train")) {
      HandlerWarmUp.run(); // the class-data archive's training run: load what a recording loads, then exit
      System.exit(0);
    }
    Map<String, String> env = System.getenv();
    EgressConfig config = EgressConfigLoader.fromYaml(require(env, ENV_CONFIG), env).config();
    LogSetup.apply(config.logging());
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(require(env, ENV_SOCKET)));
    HandlerLink control = new HandlerLink(channel);
    control.send(Kind.READY, new byte[0]);
    AtomicBoolean assigned = new AtomicBoolean();
    Thread warm = new Thread(() -> HandlerWarmUp.run(assigned::get), "warm-up");
    warm.setDaemon(true);
    warm.start();

    Path workRoot = Path.of(require(env, ENV_WORK_ROOT));
    MediaRunners runners = MediaRunners.inHandler(config, workRoot, Clock.systemUTC());
    HandlerMain handler = new HandlerMain(config, runners, workRoot);
    try {
      while (true) {
        HandlerLink.Frame f = control.receive();
        if (f.kind() == Kind.ASSIGN) {
          assigned.set(true); // the warm-up stops where it is: the egress needs the CPU now
          handler.start(HandlerLink.Assignment.parse(f.payload()));
        } else {
          log.warn("unexpected {} on the control link", f.kind());
        }
      }
    } catch (IOException e) {
      log.debug("control link closed: {}", e.getMessage());
    }
    handler.awaitIdle();
    runners.close();
    System.exit(0);
  }

  /** Runs an assigned egress on a thread of its own. */
  private void start(HandlerLink.Assignment a) {
    synchronized (this) {
      running++;
    }
    Thread t = new Thread(() -> {
      String id = a.request().getEgressId();
      MDC.put("egressID", id);
      try {
        // plan as the service did, at the same instant: the same file names and token
        Clock planClock = Clock.fixed(Instant.ofEpochSecond(0, a.plannedAt()), ZoneOffset.UTC);
        EgressPlan plan = new EgressPlanner(config, planClock).plan(a.request());
        EgressLogFields.register(plan);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(a.socket()));
        new HostedEgress(new HandlerLink(channel), workRoot.resolve(id)).run(plan, runners);
      } catch (IOException | RuntimeException e) {
        log.error("egress {} could not run in this handler", id, e); // the service fails it when its link closes
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        finished();
      }
    }, "egress-" + a.request().getEgressId());
    t.start();
  }

  private synchronized void finished() {
    running--;
    notifyAll();
    if (running == 0) {
      compactWhenStillIdle();
    }
  }

  /**
   * A handler that ran a burst keeps the heap the burst grew: the serial collector gives memory back
   * only after a full collection, and an idle handler does not collect. The service keeps idle
   * handlers for the next request, so one that is still idle a moment later collects once (tens of ms
   * on a heap this small); the native heap is then trimmed by {@code TrimNativeHeapInterval}.
   */
  private void compactWhenStillIdle() {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(COMPACT_AFTER_IDLE_MS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (running > 0) {
          return;
        }
      }
      System.gc();
    }, "compact-when-idle");
    t.setDaemon(true);
    t.start();
  }

  private synchronized void awaitIdle() throws InterruptedException {
    while (running > 0) {
      wait();
    }
  }

  private static String require(Map<String, String> env, String key) {
    String v = env.get(key);
    if (v == null || v.isEmpty()) {
      System.err.println("egress handler: environment variable " + key + " is required");
      System.exit(2);
    }
    return v;
  }
}
