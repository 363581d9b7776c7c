package io.egressjava.core.lifecycle;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.plan.EgressPlan;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;

/**
 * The status of one egress and the EgressInfo that describes it (protocol.md §3.6). Every change is
 * published as a full EgressInfo to the listener (IOInfo.UpdateEgress in the server, a callback for
 * embedders). Thread-safe; terminal states are final.
 */
public final class EgressSession {
  public static final String STOP_EGRESS_API = "StopEgress API";
  public static final String SOURCE_CLOSED = "Source closed";
  public static final String ALL_STREAMS_STOPPED = "All streams stopped";
  public static final String SESSION_LIMIT = "Session limit reached";
  public static final String FAILURE = "Failure";
  public static final String PROCESS_KILLED = "Process killed";

  private final Clock clock;
  private final Consumer<EgressInfo> listener;
  private final EgressInfo.Builder info;
  private final EgressPlan plan;
  private final io.egressjava.core.metrics.EgressMetrics metrics;
  /** The latest small JPEG of what the egress records (status page); null without one. */
  private volatile byte[] picture;

  private boolean relinquished;
  /** Set by {@link #failWhenFinalized}: the end the runner reports becomes this failure. */
  private PsrpcException failure;
  private Runnable onRelinquished = () -> { };
  /** What pausing and leaving out add to the details (see {@link #controlNote}); kept after whatever else they say. */
  private String controlNote = "";

  public EgressSession(EgressPlan plan, Clock clock, Consumer<EgressInfo> listener) {
    this.plan = plan;
    this.clock = clock;
    this.listener = listener;
    this.info = plan.info().toBuilder();
    this.metrics = new io.egressjava.core.metrics.EgressMetrics(plan.egressId());
  }

  public EgressPlan plan() {
    return plan;
  }

  /** The latest small JPEG of the recorded picture (refreshed every few seconds); null if there is none. */
  public byte[] picture() {
    return picture;
  }

  public void picture(byte[] jpeg) {
    this.picture = jpeg;
  }

  /** What the egress counts while it runs (in a handler's service, the mirror of the handler's). */
  public io.egressjava.core.metrics.EgressMetrics metrics() {
    return metrics;
  }

  public synchronized EgressInfo info() {
    return controlNote.isEmpty() ? info.build() : info.clone().setDetails(withNote(info.getDetails(), controlNote)).build();
  }

  public synchronized EgressStatus status() {
    return info.getStatus();
  }

  public synchronized boolean isFinished() {
    return switch (info.getStatus()) {
      case EGRESS_COMPLETE, EGRESS_FAILED, EGRESS_ABORTED, EGRESS_LIMIT_REACHED -> true;
      default -> false;
    };
  }

  /** STARTING → ACTIVE: media is flowing. */
  public void active() {
    transition(b -> {
      if (b.getStatus() == EgressStatus.EGRESS_STARTING) {
        b.setStatus(EgressStatus.EGRESS_ACTIVE);
        return true;
      }
      return false;
    });
  }

  /**
   * A stop was asked for (StopEgress, source closed, streams stopped). Before the start this aborts
   * the egress; afterwards it moves to ENDING while the runner drains. Returns the info to report.
   */
  public EgressInfo ending(String reason) {
    transition(b -> {
      switch (b.getStatus()) {
        case EGRESS_STARTING -> {
          b.setStatus(EgressStatus.EGRESS_ABORTED)
              .setError("Stop called before pipeline could start")
              .setErrorCode(PsrpcCode.FAILED_PRECONDITION.httpStatus())
              .setDetails("End reason: " + reason)
              .setEndedAt(nanos());
          return true;
        }
        case EGRESS_ACTIVE -> {
          b.setStatus(EgressStatus.EGRESS_ENDING).setDetails("End reason: " + reason);
          return true;
        }
        default -> {
          return false;
        }
      }
    });
    return info();
  }

  /**
   * The egress must end on an error, but what it recorded is kept: ENDING now (before the start:
   * FAILED at once), and when the runner has finalized its outputs and reports the end,
   * FAILED with {@code error} and the results it filled in. The caller stops the runner.
   */
  public EgressInfo failWhenFinalized(PsrpcException error) {
    boolean started;
    synchronized (this) {
      if (failure == null) {
        failure = error;
      }
      started = info.getStatus() != EgressStatus.EGRESS_STARTING;
    }
    if (!started) {
      fail(error, b -> { });
      return info();
    }
    transition(b -> {
      if (b.getStatus() != EgressStatus.EGRESS_ACTIVE) {
        return false;
      }
      b.setStatus(EgressStatus.EGRESS_ENDING).setDetails("End reason: " + FAILURE);
      return true;
    });
    return info();
  }

  /** Outputs are finalized and stored: COMPLETE, with the results the runner fills in. */
  public void complete(Consumer<EgressInfo.Builder> results) {
    if (failPending(results)) {
      return;
    }
    transition(b -> {
      if (isTerminal(b.getStatus())) {
        return false;
      }
      results.accept(b);
      if (b.getDetails().isEmpty()) {
        b.setDetails("End reason: " + SOURCE_CLOSED);
      }
      b.setStatus(EgressStatus.EGRESS_COMPLETE).setEndedAt(nanos());
      return true;
    });
  }

  /** FAILED with the error's message and HTTP code (left 0 for code "unknown", as the reference). */
  public void fail(PsrpcException error, Consumer<EgressInfo.Builder> results) {
    transition(b -> {
      if (isTerminal(b.getStatus())) {
        return false;
      }
      results.accept(b);
      b.setStatus(EgressStatus.EGRESS_FAILED).setError(String.valueOf(error.getMessage()))
          .setDetails("End reason: " + FAILURE).setEndedAt(nanos());
      if (error.code() != PsrpcCode.UNKNOWN) {
        b.setErrorCode(error.code().httpStatus());
      }
      return true;
    });
  }

  /** After {@link #failWhenFinalized}: the runner's end is that failure. */
  private boolean failPending(Consumer<EgressInfo.Builder> results) {
    PsrpcException pending;
    synchronized (this) {
      pending = failure;
    }
    if (pending == null) {
      return false;
    }
    fail(pending, results);
    return true;
  }

  /** A session limit ended the egress; outputs are still finalized. */
  public void limitReached(Consumer<EgressInfo.Builder> results) {
    limitReached(SESSION_LIMIT, results);
  }

  /**
   * A limit ended the egress, with {@code error} saying which when it is not one of the
   * reference's session limits (e.g. the spool's disk).
   */
  public void limitReached(String error, Consumer<EgressInfo.Builder> results) {
    if (failPending(results)) {
      return;
    }
    transition(b -> {
      if (isTerminal(b.getStatus())) {
        return false;
      }
      results.accept(b);
      if (b.getStatus() == EgressStatus.EGRESS_STARTING) {
        b.setStatus(EgressStatus.EGRESS_ABORTED).setError("Session limit reached before start signal")
            .setErrorCode(PsrpcCode.FAILED_PRECONDITION.httpStatus());
      } else {
        b.setStatus(EgressStatus.EGRESS_LIMIT_REACHED).setError(error).setErrorCode(413);
      }
      b.setDetails("End reason: " + SESSION_LIMIT).setEndedAt(nanos());
      return true;
    });
  }

  /**
   * Another instance owns this egress (the server replaced our participant: DUPLICATE_IDENTITY):
   * end here without a final update, as the reference's handler does, so the owner's reports stand.
   */
  public void relinquish() {
    Runnable callback;
    synchronized (this) {
      if (isTerminal(info.getStatus()) || relinquished) {
        return;
      }
      relinquished = true;
      info.setStatus(EgressStatus.EGRESS_ABORTED).setDetails("End reason: duplicate identity").setEndedAt(nanos());
      callback = onRelinquished;
    }
    callback.run();
  }

  /** Whether {@link #relinquish} ended this session (nothing was reported). */
  public synchronized boolean relinquished() {
    return relinquished;
  }

  /** What the owner of the session does when it is relinquished (free its capacity). */
  public synchronized void onRelinquished(Runnable callback) {
    this.onRelinquished = callback;
  }

  /**
   * What pausing and leaving out add to the details, e.g. "paused (cut) since 12:00:03Z", "paused
   * 15.0 s in 1 span (cut)" or "excluding identity:carol"; "" for none. It follows the end reason
   * once there is one.
   */
  public void controlNote(String note) {
    transition(b -> {
      controlNote = note;
      return true;
    });
  }

  /** Any other change worth reporting (e.g. stream results); status unchanged. */
  public void update(Consumer<EgressInfo.Builder> change) {
    transition(b -> {
      change.accept(b);
      return true;
    });
  }

  /**
   * Takes over an EgressInfo produced elsewhere — the handler process that really records this
   * egress runs its own session; the service's copy mirrors it. Ignored once this copy has ended.
   * The status never goes back: this copy may already be ENDING (StopEgress is answered here) while
   * the handler still reports ACTIVE updates sent before it got the stop; their results are taken,
   * their status is not.
   */
  public void mirror(EgressInfo elsewhere) {
    transition(b -> {
      if (isTerminal(b.getStatus())) {
        return false;
      }
      EgressStatus kept = b.getStatus();
      String keptDetails = b.getDetails();
      b.clear().mergeFrom(elsewhere);
      if (rank(elsewhere.getStatus()) < rank(kept)) {
        b.setStatus(kept).setDetails(keptDetails);
      }
      return true;
    });
  }

  /** Order of the lifecycle: STARTING, ACTIVE, ENDING, then any end. */
  private static int rank(EgressStatus s) {
    return switch (s) {
      case EGRESS_STARTING -> 0;
      case EGRESS_ACTIVE -> 1;
      case EGRESS_ENDING -> 2;
      default -> isTerminal(s) ? 3 : 0;
    };
  }

  private interface Change {
    boolean apply(EgressInfo.Builder b);
  }

  private void transition(Change change) {
    EgressInfo snapshot;
    synchronized (this) {
      if (!change.apply(info)) { // changes see the details without the note: it is added to each snapshot
        return;
      }
      info.setUpdatedAt(nanos());
      snapshot = info();
    }
    listener.accept(snapshot);
  }

  private static String withNote(String details, String note) {
    return details.isEmpty() ? note : details + "; " + note;
  }

  /** COMPLETE, FAILED, ABORTED or LIMIT_REACHED: nothing follows. */
  public static boolean isTerminal(EgressStatus s) {
    return s == EgressStatus.EGRESS_COMPLETE || s == EgressStatus.EGRESS_FAILED || s == EgressStatus.EGRESS_ABORTED
        || s == EgressStatus.EGRESS_LIMIT_REACHED;
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
