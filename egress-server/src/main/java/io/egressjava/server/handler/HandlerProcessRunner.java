package io.egressjava.server.handler;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.server.CpuMonitor;
import io.egressjava.server.handler.HandlerLink.Frame;
import io.egressjava.server.handler.HandlerLink.Kind;
import io.egressjava.server.spool.SpoolRequest;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of one egress run by a handler process ({@link HandlerHost}): once the
 * handler is up it is sent the request, the egress's own link connects to a Unix socket of its
 * own and says READY; from then its EgressInfo is mirrored into the service's session and
 * StopEgress/UpdateStream go on. StartEgress is answered once the request went to a running
 * handler, at most {@value #ANSWER_WITHIN_MS} ms after it came: livekit-server gives its first
 * attempt 10 s and SDK clients time out at 10 s, so a handler slow to come up (a loaded node)
 * answers STARTING and comes up in the background, or fails the egress by an update after
 * {@value #READY_TIMEOUT_MS} ms. If the process dies before the egress ended —
 * SIGKILL, a native crash — the egresses it ran fail with the exit as their error ("signal:
 * killed"), code 500, as the reference reports it, but unlike the reference with their results:
 * what they recorded is finalized and stored by the service first.
 */
public final class HandlerProcessRunner implements EgressRunner, CpuMonitor.Handler {
  private static final Logger log = LoggerFactory.getLogger(HandlerProcessRunner.class);
  static final long ANSWER_WITHIN_MS = 5_000;
  static final long READY_TIMEOUT_MS = 30_000;
  /** Blocking waits for handlers (start, accept, first frame): never on the common pool, which has one thread on two cores. */
  static final java.util.concurrent.ExecutorService WAITS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "handler-wait");
    t.setDaemon(true);
    return t;
  });
  private static final long UPDATE_STREAM_TIMEOUT_MS = 5_000;
  /** A link that closed without a final update: how long to wait for the process's exit to name it. */
  private static final long EXIT_WAIT_MS = 2_000;

  private final HandlerLauncher launcher;
  private final StartEgressRequest request;
  private final HandlerHost host;
  private final Listener listener;
  private EgressSession session;
  /** Set once the handler said READY; until then StopEgress is kept in {@link #pendingStop}. */
  private volatile HandlerLink link;
  private String pendingStop;
  private volatile PsrpcException killError;
  private volatile boolean linkClosed;
  /** The handler went away before the egress's final update: its outputs were never finalized. */
  private volatile boolean handlerLost;
  /** Completes when the request has gone to a running handler. */
  private final CompletableFuture<Void> assigned = new CompletableFuture<>();
  private final SynchronousQueue<String> updateResults = new SynchronousQueue<>();
  private final SynchronousQueue<byte[]> debugResults = new SynchronousQueue<>();

  /** Told when the egress's handler is ready, and when the egress has left it and its session is final. */
  interface Listener {
    void ready(HandlerProcessRunner runner);

    void exited(HandlerProcessRunner runner);

    /**
     * The egress's handler died before it ended: finishes what it left (its files finalized and
     * stored) and says what to add to its final info.
     */
    default java.util.function.Consumer<EgressInfo.Builder> salvage(HandlerProcessRunner runner) {
      return b -> { };
    }
  }

  private final long answerWithinMs;

  /** @param host the handler that runs this egress (reserved for it), perhaps still starting */
  HandlerProcessRunner(HandlerLauncher launcher, StartEgressRequest request, HandlerHost host, Listener listener) {
    this(launcher, request, host, listener, ANSWER_WITHIN_MS);
  }

  /** @param answerWithinMs how long {@link #start} waits for the hand-over before it returns regardless */
  HandlerProcessRunner(HandlerLauncher launcher, StartEgressRequest request, HandlerHost host, Listener listener,
      long answerWithinMs) {
    this.answerWithinMs = answerWithinMs;
    this.launcher = launcher;
    this.request = request;
    this.host = host;
    this.listener = listener;
  }

  /**
   * Answers once the egress is handed to a running handler (as the Go egress answers once its
   * handler is launched), at most {@code answerWithinMs} later: the egress is STARTING and goes
   * ACTIVE when media flows, or fails by an update if its handler cannot take it.
   */
  @Override
  public void start(EgressPlan plan, EgressSession session) {
    this.session = session;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    CompletableFuture<Void> up = CompletableFuture.runAsync(() -> bringUp(plan, deadline), WAITS);
    try {
      CompletableFuture.anyOf(up, assigned).get(answerWithinMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("handler for {} not up after {} ms: StartEgress answers STARTING, the egress starts when it is",
          plan.egressId(), answerWithinMs);
    } catch (ExecutionException e) {
      listener.exited(this);
      throw startFailure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw startFailure();
    }
    up.whenComplete((ok, failure) -> {
      if (failure != null) {
        session.fail(startFailure(), b -> { });
        listener.exited(this);
      }
    });
  }

  private static PsrpcException startFailure() {
    return new PsrpcException(PsrpcCode.INTERNAL, "handler failed to start");
  }

  /** Waits for the handler, sends it the egress, waits for the egress's READY, then follows it. */
  private void bringUp(EgressPlan plan, long deadline) {
    try {
      HandlerLink l;
      try {
        host.up().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IOException("handler did not start: " + e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      Process process = host.process();
      Path socket = launcher.socketPath(plan.egressId());
      try (ServerSocketChannel server = listen(socket)) {
        // kept beside what it records: a service restarted after a crash finishes the egress from it
        SpoolRequest.write(launcher.workDir(plan.egressId()), plan.info().getStartedAt(), request);
        host.assign(plan.info().getStartedAt(), socket, request);
        assigned.complete(null);
        l = new HandlerLink(awaitConnection(server, process, deadline));
      } finally {
        Files.deleteIfExists(socket);
      }
      Frame ready = receiveBefore(l, process, deadline);
      if (ready.kind() != Kind.READY) {
        throw new IOException("handler sent " + ready.kind() + " before READY");
      }
      String pendingStop;
      PsrpcException pendingKill;
      synchronized (this) {
        link = l;
        pendingStop = this.pendingStop;
        pendingKill = killError;
      }
      log.info("egress {} running in handler {}", plan.egressId(), host);
      Thread reader = new Thread(this::readUpdates, "handler-" + plan.egressId());
      reader.setDaemon(true);
      reader.start();
      listener.ready(this);
      if (pendingKill != null) {
        send(Kind.KILL, HandlerLink.errorText(pendingKill)); // killed while it was coming up
      } else if (pendingStop != null) {
        send(Kind.STOP, pendingStop); // StopEgress came while the handler was coming up
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      log.error("handler for {} failed to start: {}", plan.egressId(), e.getMessage());
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  static ServerSocketChannel listen(Path socket) throws IOException {
    Files.createDirectories(socket.getParent());
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return server;
  }

  /** The handler connects before the deadline, or is given up (a dead JVM never connects). */
  static SocketChannel awaitConnection(ServerSocketChannel server, Process process, long deadline)
      throws IOException, TimeoutException {
    return await(server::accept, process, deadline);
  }

  /** The next frame from the handler, before the deadline. */
  static Frame receiveBefore(HandlerLink link, Process process, long deadline) throws IOException, TimeoutException {
    return await(link::receive, process, deadline);
  }

  /** A blocking step of a starting handler. */
  private interface Step<T> {
    T run() throws IOException;
  }

  /** Runs {@code step} (on its own thread) until the deadline, or until the process exits. */
  private static <T> T await(Step<T> step, Process process, long deadline) throws IOException, TimeoutException {
    CompletableFuture<T> result = CompletableFuture.supplyAsync(() -> {
      try {
        return step.run();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, WAITS);
    try {
      // a handler that dies first (bad config, missing class) is not waited for
      CompletableFuture.anyOf(result, process.onExit())
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (!result.isDone()) {
        throw new IOException("handler exited: " + exitText(process.exitValue()));
      }
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage());
    }
  }

  private void readUpdates() {
    try {
      while (true) {
        Frame f = link.receive();
        switch (f.kind()) {
          case INFO -> session.mirror(EgressInfo.parseFrom(f.payload()));
          case RELINQUISHED -> session.relinquish();
          case UPDATE_STREAM_RESULT -> updateResults.offer(f.text(), 1, TimeUnit.SECONDS);
          case DEBUG_RESULT -> debugResults.offer(f.payload(), 1, TimeUnit.SECONDS);
          case METRICS -> session.metrics().mirror(f.text());
          case PICTURE -> session.picture(f.payload());
          default -> log.warn("unexpected {} from the handler of {}", f.kind(), session.plan().egressId());
        }
      }
    } catch (EOFException e) {
      log.debug("handler link of {} closed", session.plan().egressId());
    } catch (IOException e) {
      log.warn("handler link of {} failed: {}", session.plan().egressId(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ended();
  }

  /**
   * The egress's link closed: normally after its final update. Otherwise its handler died (then
   * its exit is the error) or dropped it.
   */
  private void ended() {
    linkClosed = true;
    link.close();
    if (!session.isFinished() && !session.relinquished()) {
      String exit;
      try {
        exit = exitText(host.process().onExit().get(EXIT_WAIT_MS, TimeUnit.MILLISECONDS).exitValue());
      } catch (TimeoutException | ExecutionException e) {
        exit = "handler dropped the egress";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = "interrupted";
      }
      handlerLost = true;
      PsrpcException error = killError != null ? killError : new PsrpcException(PsrpcCode.INTERNAL, exit);
      log.error("handler {} ended before egress {}: {}", host, session.plan().egressId(), error.getMessage());
      java.util.function.Consumer<EgressInfo.Builder> recovered = salvage();
      session.fail(error, b -> {
        b.setErrorCode(killError != null ? error.code().httpStatus() : 500);
        recovered.accept(b);
      });
    }
    listener.exited(this);
  }

  /** What the dead handler left, finished by the service; nothing added if that fails. */
  private java.util.function.Consumer<EgressInfo.Builder> salvage() {
    try {
      return listener.salvage(this);
    } catch (RuntimeException e) {
      log.error("what egress {} recorded could not be recovered", session.plan().egressId(), e);
      return b -> { };
    }
  }

  /** A process exit as Go's exec package words it ("signal: killed", "exit status 1"). */
  static String exitText(int status) {
    if (status > 128 && status < 160) {
      String name = switch (status - 128) {
        case 2 -> "interrupt";
        case 6 -> "aborted";
        case 9 -> "killed";
        case 11 -> "segmentation fault";
        case 15 -> "terminated";
        default -> "signal " + (status - 128);
      };
      return "signal: " + name;
    }
    return "exit status " + status;
  }

  /** StopEgress: the service's session moved to ENDING with a reason; the handler does the same. */
  @Override
  public void stop() {
    String details = session.info().getDetails();
    String reason = details.startsWith("End reason: ") ? details.substring("End reason: ".length()) : details;
    sendStop(reason);
  }

  private void sendStop(String reason) {
    synchronized (this) {
      if (link == null) {
        pendingStop = reason; // still coming up: sent once it is ready
        return;
      }
    }
    send(Kind.STOP, reason);
  }

  /** To the handler that records the egress; it applies it there (pause, resume…). */
  @Override
  public void control(LayoutControl control) {
    send(Kind.CONTROL, control.toJson());
  }

  /**
   * Asks the egress's handler for a dump (debug port): "threads", "graph" or "jfr SECONDS"; null
   * if it did not answer within {@code timeoutMs}. One question at a time per egress.
   */
  public byte[] debug(String what, long timeoutMs) {
    synchronized (debugResults) {
      send(Kind.DEBUG, what);
      try {
        return debugResults.poll(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  @Override
  public void updateStream(List<String> addUrls, List<String> removeUrls) {
    LivekitEgress.UpdateStreamRequest update = LivekitEgress.UpdateStreamRequest.newBuilder()
        .setEgressId(session.plan().egressId()).addAllAddOutputUrls(addUrls).addAllRemoveOutputUrls(removeUrls).build();
    String result;
    synchronized (updateResults) {
      send(Kind.UPDATE_STREAM, update.toByteArray());
      try {
        result = updateResults.poll(UPDATE_STREAM_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = null;
      }
    }
    if (result == null) {
      throw new PsrpcException(PsrpcCode.DEADLINE_EXCEEDED, "handler did not answer UpdateStream");
    }
    if (!result.isEmpty()) {
      throw HandlerLink.error(result);
    }
  }

  /**
   * Fails the egress with {@code error} (the handler closes its outputs); if it has not ended after
   * {@code graceMs}, its handler process is killed when it runs nothing else (otherwise the others
   * would fail with it) and the egress fails with the same error.
   */
  @Override
  public void kill(PsrpcException error, long graceMs) {
    killError = error;
    if (link == null) {
      return; // still coming up: the kill goes out once it is (bringUp)
    }
    send(Kind.KILL, HandlerLink.errorText(error));
    CompletableFuture.delayedExecutor(graceMs, TimeUnit.MILLISECONDS, WAITS).execute(() -> {
      if (linkClosed) {
        return;
      }
      if (host.running() <= 1) {
        host.process().destroyForcibly();
      } else {
        log.error("egress {} did not end {} ms after its kill; its handler {} runs {} egresses and is left running",
            session.plan().egressId(), graceMs, host, host.running());
      }
    });
  }

  /**
   * Asks the handler to end the egress now and fail it with {@code error} once its outputs are
   * stored; this copy of the session waits for the handler's final update the same way. Before the
   * handler is up there is nothing recorded: then it is a kill.
   */
  @Override
  public void fail(PsrpcException error) {
    if (link == null) {
      kill(error, 0);
      return;
    }
    session.failWhenFinalized(error);
    send(Kind.FAIL, HandlerLink.errorText(error));
  }

  /** Asks the handler to end gracefully (as StopEgress) with {@code reason}, e.g. "CPU exhausted". */
  @Override
  public void stopWithReason(String reason) {
    EgressInfo info = session.ending(reason);
    if (info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ENDING
        || info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ABORTED) {
      sendStop(reason);
    }
  }

  /** Whether the handler went away (killed, crashed) before the egress ended: what it wrote is unfinished. */
  boolean handlerLost() {
    return handlerLost;
  }

  HandlerHost host() {
    return host;
  }

  /** The service's copy of the egress's session (its plan and the info as the handler last reported it). */
  EgressSession session() {
    return session;
  }

  public String egressId() {
    return session.plan().egressId();
  }

  /** The handler process (its tree is measured for CPU admission, shared by the egresses it runs). */
  @Override
  public ProcessHandle process() {
    return host.process().toHandle();
  }

  private void send(Kind kind, String text) {
    send(kind, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void send(Kind kind, byte[] payload) {
    HandlerLink l = link;
    if (l == null) {
      log.warn("the handler of {} is not up yet: {} not sent", session.plan().egressId(), kind);
      return;
    }
    try {
      l.send(kind, payload);
    } catch (IOException e) {
      log.warn("cannot reach the handler of {}: {}", session.plan().egressId(), e.getMessage());
    }
  }

}
