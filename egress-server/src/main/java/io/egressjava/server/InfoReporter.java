package io.egressjava.server;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.psrpc.RpcClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one egress's EgressInfo to livekit-server: IOInfo.CreateEgress once, then UpdateEgress with
 * the full info on every change — never an update before the create completed; queued updates are
 * coalesced to the newest; transient failures are retried with backoff (500 ms doubling to 1 min).
 */
final class InfoReporter {
  private static final Logger log = LoggerFactory.getLogger(InfoReporter.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);
  private static final ExecutorService POOL = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "io-info-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  });

  private final RpcClient io;
  private final Duration createTimeout;
  private final Duration updateTimeout;
  private final Duration selectionTimeout;
  private final Runnable onFinalSent;

  private boolean created;
  private boolean running;
  private EgressInfo create;
  private EgressInfo pending;
  /** Updates handed in, and how many of them livekit-server has (sent, or coalesced into a later one sent). */
  private long queued;
  private long pendingSeq;
  private long sent;

  InfoReporter(RpcClient io, Duration createTimeout, Duration updateTimeout, Duration selectionTimeout, Runnable onFinalSent) {
    this.io = io;
    this.createTimeout = createTimeout;
    this.updateTimeout = updateTimeout;
    this.selectionTimeout = selectionTimeout;
    this.onFinalSent = onFinalSent;
  }

  /**
   * For an egress livekit-server already has (created by an earlier run of the service): only
   * updates are sent.
   */
  synchronized void alreadyCreated() {
    created = true;
  }

  synchronized void create(EgressInfo info) {
    create = info;
    kick();
  }

  synchronized void update(EgressInfo info) {
    pending = info; // only the newest matters: each update carries the full info
    pendingSeq = ++queued;
    kick();
  }

  /**
   * Waits (at most {@code timeout}) until livekit-server has every update handed in so far. An
   * answer that reports a change (StopEgress: ENDING) must not reach the user before the store does,
   * or a ListEgress right after it shows the status before the change.
   */
  synchronized boolean awaitSent(Duration timeout) {
    long wanted = queued;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sent < wanted) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        wait(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void kick() {
    if (!running) {
      running = true;
      POOL.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      EgressInfo next;
      boolean isCreate;
      long seq = 0;
      synchronized (this) {
        if (!created && create != null) {
          next = create;
          isCreate = true;
        } else if (created && pending != null) {
          next = pending;
          seq = pendingSeq;
          pending = null;
          isCreate = false;
        } else {
          running = false;
          return;
        }
      }
      send(next, isCreate);
      synchronized (this) {
        created = true;
        sent = Math.max(sent, seq);
        notifyAll();
      }
      if (!isCreate && isFinal(next)) {
        onFinalSent.run();
      }
    }
  }

  private void send(EgressInfo info, boolean isCreate) {
    Duration backoff = Duration.ofMillis(500);
    long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    while (true) {
      try {
        io.call(isCreate ? EgressRpc.CREATE_EGRESS : EgressRpc.UPDATE_EGRESS, "", info, com.google.protobuf.Empty.parser(),
            RpcClient.CallOptions.queue(isCreate ? createTimeout : updateTimeout, selectionTimeout));
        return;
      } catch (PsrpcException e) {
        boolean retryable = e.code() == PsrpcCode.DEADLINE_EXCEEDED || e.code() == PsrpcCode.UNAVAILABLE
            || e.code() == PsrpcCode.UNKNOWN;
        if (!retryable || System.nanoTime() > giveUp) {
          log.error("IOInfo.{} for {} failed: {}", isCreate ? "CreateEgress" : "UpdateEgress", info.getEgressId(), e.getMessage());
          return;
        }
        log.warn("IOInfo.{} for {} failed ({}); retrying in {} ms", isCreate ? "CreateEgress" : "UpdateEgress",
            info.getEgressId(), e.getMessage(), backoff.toMillis());
      } catch (RuntimeException e) { // Redis unreachable
        if (System.nanoTime() > giveUp) {
          log.error("IOInfo update for {} abandoned", info.getEgressId(), e);
          return;
        }
        log.warn("IOInfo update for {} failed ({}); retrying in {} ms", info.getEgressId(), e.getMessage(), backoff.toMillis());
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  static boolean isFinal(EgressInfo info) {
    return switch (info.getStatus()) {
      case EGRESS_COMPLETE, EGRESS_FAILED, EGRESS_ABORTED, EGRESS_LIMIT_REACHED -> true;
      default -> false;
    };
  }
}
