package io.egressjava.server.handler;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.embedded.RunnerFactory;
import io.egressjava.server.handler.HandlerLink.Frame;
import io.egressjava.server.handler.HandlerLink.Kind;
import io.egressjava.server.spool.SpoolOwner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One egress inside a handler process, on a link of its own to the service: reports every change
 * of its session and takes StopEgress, kills and UpdateStream. If the service goes away it still
 * finishes its outputs, so nothing recorded is lost.
 */
final class HostedEgress {
  private static final Logger log = LoggerFactory.getLogger(HostedEgress.class);
  /** After the final update: how long a runner may still tidy up before the link closes. */
  private static final long CLOSE_GRACE_MS = 300;
  /** A journal write slower than this is logged: it delays every report after it. */
  private static final long SLOW_JOURNAL_MS = 100;
  /** How often the egress's metrics go to the service (its /metrics shows them this fresh). */
  private static final long METRICS_EVERY_MS = 2000;

  private final HandlerLink link;
  private final Path workDir;
  /** Every info is journaled too: a service restarted after a crash reports the last one. */
  private final SpoolJournal journal;
  private final CountDownLatch ended = new CountDownLatch(1);
  /**
   * Everything sent to the service, in order, from one thread of its own. A session change comes
   * from whichever thread made it, often a media thread (the first picture makes the egress
   * ACTIVE from the screen capture's thread): that thread must not wait for the journal's fsync,
   * or the capture stalls and the recording opens on a repeated picture.
   */
  private final ExecutorService outbox = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "egress-report");
    t.setDaemon(true);
    return t;
  });
  private EgressSession session;
  private EgressRunner runner;
  /** The picture last sent to the service (metrics timer thread). */
  private byte[] pictureSent;

  /** @param workDir the egress's work directory, held by this process while the egress runs */
  HostedEgress(HandlerLink link, Path workDir) {
    this.link = link;
    this.workDir = workDir;
    this.journal = SpoolJournal.in(workDir);
  }

  /** Runs the egress until it has ended (blocking), then closes its link. */
  void run(EgressPlan plan, RunnerFactory runners) throws InterruptedException, IOException {
    try (SpoolOwner owner = SpoolOwner.claim(workDir).orElse(null)) {
      if (owner == null) {
        log.warn("work directory {} is held by another process", workDir);
      }
      runHeld(plan, runners);
    }
  }

  private void runHeld(EgressPlan plan, RunnerFactory runners) throws InterruptedException {
    session = new EgressSession(plan, Clock.systemUTC(), this::report);
    session.onRelinquished(() -> post(() -> {
      send(Kind.RELINQUISHED, new byte[0]);
      ended.countDown();
    }));
    post(() -> send(Kind.READY, new byte[0]));
    Thread commands = new Thread(this::takeCommands, "egress-commands-" + plan.egressId());
    commands.setDaemon(true);
    commands.start();
    var metricsTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "egress-metrics");
      t.setDaemon(true);
      return t;
    });
    metricsTimer.scheduleWithFixedDelay(() -> {
      try {
        String exported = session.metrics().export(); // collected here, not on the outbox: it may read /proc
        post(() -> send(Kind.METRICS, exported.getBytes(StandardCharsets.UTF_8)));
        byte[] picture = session.picture();
        if (picture != null && picture != pictureSent) {
          pictureSent = picture;
          post(() -> send(Kind.PICTURE, picture));
        }
      } catch (RuntimeException e) {
        log.warn("metrics of {} not sent: {}", plan.egressId(), e.toString()); // the next round tries again
      }
    }, METRICS_EVERY_MS, METRICS_EVERY_MS, TimeUnit.MILLISECONDS);
    try {
      EgressRunner created = runners.create(plan);
      synchronized (this) {
        runner = created;
      }
      created.start(plan, session);
    } catch (PsrpcException e) {
      session.fail(e, b -> { });
    } catch (RuntimeException e) {
      log.error("egress {} failed to start", plan.egressId(), e);
      session.fail(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())), b -> { });
    }
    ended.await();
    metricsTimer.shutdownNow();
    Thread.sleep(CLOSE_GRACE_MS);
    outbox.shutdown();
    outbox.awaitTermination(5, TimeUnit.SECONDS); // what the grace allowed in is sent before the link closes
    link.close();
    log.info("egress {} done in this handler: {}", plan.egressId(), session.status());
  }

  /** Every session change goes to the service, which forwards it to livekit-server. */
  private void report(EgressInfo info) {
    post(() -> {
      long began = System.nanoTime();
      journal.info(info);
      long tookMs = (System.nanoTime() - began) / 1_000_000;
      if (tookMs > SLOW_JOURNAL_MS) {
        log.info("egress {}: journal write took {} ms", info.getEgressId(), tookMs);
      }
      send(Kind.INFO, info.toByteArray());
      if (EgressSession.isTerminal(info.getStatus())) {
        ended.countDown();
      }
    });
  }

  /** Runs {@code task} on the outbox, after everything posted before it. */
  private void post(Runnable task) {
    try {
      outbox.execute(task);
    } catch (RejectedExecutionException closed) {
      log.debug("link closed; not sent");
    }
  }

  private void takeCommands() {
    try {
      while (true) {
        Frame f = link.receive();
        switch (f.kind()) {
          case STOP -> stop(f.text());
          case KILL -> kill(HandlerLink.error(f.text()));
          case FAIL -> fail(HandlerLink.error(f.text()));
          case UPDATE_STREAM -> updateStream(LivekitEgress.UpdateStreamRequest.parseFrom(f.payload()));
          case CONTROL -> control(f.text());
          case DEBUG -> debug(f.text());
          default -> log.warn("unexpected {} from the service", f.kind());
        }
      }
    } catch (IOException e) {
      if (ended.getCount() == 0) {
        return; // we closed the link on the way out
      }
      // the service is gone (crashed or killed): finish the outputs anyway, nothing recorded is lost
      log.warn("service link lost ({}); ending the egress", e.getMessage());
      stop(EgressSession.PROCESS_KILLED);
    }
  }

  private void stop(String reason) {
    EgressInfo info = session.ending(reason);
    if (info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ENDING
        || info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ABORTED) {
      stopRunner(); // aborted before it started: it must not go on recording
    }
  }

  /** Ends the egress as FAILED with the service's error; outputs are still closed. */
  private void kill(PsrpcException error) {
    session.fail(error, b -> { });
    stopRunner();
  }

  /** Ends the egress now; once its outputs are stored it fails with the service's error and its results. */
  private void fail(PsrpcException error) {
    session.failWhenFinalized(error);
    stopRunner();
  }

  private synchronized void stopRunner() {
    if (runner != null) {
      runner.stop();
    }
  }

  private void updateStream(LivekitEgress.UpdateStreamRequest update) {
    String result = "";
    try {
      EgressRunner r;
      synchronized (this) {
        r = runner;
      }
      if (r == null) {
        throw new PsrpcException(PsrpcCode.UNAVAILABLE, "egress not started yet");
      }
      r.updateStream(update.getAddOutputUrlsList(), update.getRemoveOutputUrlsList());
    } catch (PsrpcException e) {
      result = HandlerLink.errorText(e);
    } catch (RuntimeException e) {
      result = HandlerLink.errorText(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())));
    }
    byte[] answer = result.getBytes(StandardCharsets.UTF_8);
    post(() -> send(Kind.UPDATE_STREAM_RESULT, answer)); // after the info the update changed
  }

  /** A debug-port request, answered on a thread of its own (a JFR recording takes its seconds). */
  private void debug(String what) {
    EgressRunner r;
    synchronized (this) {
      r = runner;
    }
    Thread t = new Thread(() -> {
      byte[] answer = EgressDebug.answer(what, r);
      post(() -> send(Kind.DEBUG_RESULT, answer));
    }, "egress-debug-" + workDir.getFileName());
    t.setDaemon(true);
    t.start();
  }

  private void control(String json) {
    EgressRunner r;
    synchronized (this) {
      r = runner;
    }
    try {
      if (r != null) {
        r.control(LayoutControl.fromLayout(json));
      }
    } catch (RuntimeException e) {
      log.warn("control {} not applied: {}", json, e.getMessage());
    }
  }

  private void send(Kind kind, byte[] payload) {
    try {
      link.send(kind, payload);
    } catch (IOException e) {
      log.debug("cannot reach the service: {}", e.getMessage());
    }
  }
}
