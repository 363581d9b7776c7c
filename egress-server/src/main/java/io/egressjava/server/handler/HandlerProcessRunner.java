package io.egressjava.server.handler;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.server.CpuMonitor;
import io.egressjava.server.handler.HandlerLink.Frame;
import io.egressjava.server.handler.HandlerLink.Kind;
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
 * The service's side of one handler process: starts it with the request and config in its
 * environment, waits for it to connect to the egress's Unix socket and report ready, then mirrors
 * its EgressInfo into the service's session and passes StopEgress/UpdateStream on. StartEgress
 * waits for READY at most {@value #ANSWER_WITHIN_MS} ms: livekit-server gives its first attempt
 * 10 s and SDK clients time out at 10 s, so a handler slow to come up (a loaded node) answers
 * STARTING and comes up in the background, or fails the egress by an update after
 * {@value #READY_TIMEOUT_MS} ms. If
 * the process dies before the egress ended — SIGKILL, a native crash — this egress alone fails
 * with the exit as its error ("signal: killed"), code 500, as the reference reports it.
 */
public final class HandlerProcessRunner implements EgressRunner, CpuMonitor.Handler {
  private static final Logger log = LoggerFactory.getLogger(HandlerProcessRunner.class);
  static final long ANSWER_WITHIN_MS = 5_000;
  static final long READY_TIMEOUT_MS = 30_000;
  /** Blocking waits for handlers (accept, first frame): never on the common pool, which has one thread on two cores. */
  private static final java.util.concurrent.ExecutorService WAITS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "handler-wait");
    t.setDaemon(true);
    return t;
  });
  private static final long UPDATE_STREAM_TIMEOUT_MS = 5_000;

  private final HandlerLauncher launcher;
  private final StartEgressRequest request;
  private final Listener listener;
  private EgressSession session;
  private volatile Process process;
  /** Set once the handler said READY; until then StopEgress is kept in {@link #pendingStop}. */
  private volatile HandlerLink link;
  private String pendingStop;
  private volatile PsrpcException killError;
  private final SynchronousQueue<String> updateResults = new SynchronousQueue<>();

  /** Told when the handler process is ready, and when it has exited and its session is final. */
  interface Listener {
    void ready(HandlerProcessRunner runner);

    void exited(HandlerProcessRunner runner);
  }

  /** A handler started ahead of demand, connected and warmed up, waiting for its egress. */
  record Spare(Process process, HandlerLink link) {}

  private final Spare spare;
  private final long answerWithinMs;

  /** @param spare a waiting handler to hand the egress to, or null to start one */
  HandlerProcessRunner(HandlerLauncher launcher, StartEgressRequest request, Spare spare, Listener listener) {
    this(launcher, request, spare, listener, ANSWER_WITHIN_MS);
  }

  /** @param answerWithinMs how long {@link #start} waits for READY before it returns regardless */
  HandlerProcessRunner(HandlerLauncher launcher, StartEgressRequest request, Spare spare, Listener listener,
      long answerWithinMs) {
    this.answerWithinMs = answerWithinMs;
    this.launcher = launcher;
    this.request = request;
    this.spare = spare;
    this.listener = listener;
  }

  @Override
  public void start(EgressPlan plan, EgressSession session) {
    this.session = session;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    CompletableFuture<Void> up = CompletableFuture.runAsync(() -> bringUp(plan, deadline), WAITS);
    try {
      up.get(answerWithinMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("handler for {} not ready after {} ms: StartEgress answers STARTING, the egress starts when it is",
          plan.egressId(), answerWithinMs);
      up.whenComplete((ok, failure) -> {
        if (failure != null) {
          session.fail(startFailure(), b -> { });
          listener.exited(this);
        }
      });
      return;
    } catch (ExecutionException e) {
      throw startFailure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw startFailure();
    }
  }

  private static PsrpcException startFailure() {
    return new PsrpcException(PsrpcCode.INTERNAL, "handler failed to start");
  }

  /** Launches (or assigns a spare), waits for READY, then starts following the handler. */
  private void bringUp(EgressPlan plan, long deadline) {
    try {
      HandlerLink l;
      if (spare != null) {
        process = spare.process();
        l = spare.link();
        l.send(Kind.ASSIGN, HandlerLink.assignment(plan.info().getStartedAt(), request));
      } else {
        l = launch(plan, deadline);
      }
      Frame ready = receiveBefore(l, process, deadline);
      if (ready.kind() != Kind.READY) {
        throw new IOException("handler sent " + ready.kind() + " before READY");
      }
      String pendingStop;
      synchronized (this) {
        link = l;
        pendingStop = this.pendingStop;
      }
      log.info("handler for {} ready (pid {}{})", plan.egressId(), process.pid(), spare != null ? ", a spare" : "");
      Thread reader = new Thread(this::readUpdates, "handler-" + plan.egressId());
      reader.setDaemon(true);
      reader.start();
      listener.ready(this);
      process.onExit().thenRun(() -> exited(reader));
      if (pendingStop != null) {
        send(Kind.STOP, pendingStop); // StopEgress came while the handler was coming up
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      log.error("handler for {} failed to start: {}", plan.egressId(), e.getMessage());
      Process p = process;
      if (p != null) {
        p.destroyForcibly();
      }
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** Starts a handler for this egress and returns its link once it has connected. */
  private HandlerLink launch(EgressPlan plan, long deadline) throws IOException, TimeoutException {
    Path socket = launcher.socketPath(plan.egressId());
    try (ServerSocketChannel server = listen(socket)) {
      process = launcher.launch(request, plan.info().getStartedAt(), socket);
      return new HandlerLink(awaitConnection(server, process, deadline));
    } finally {
      Files.deleteIfExists(socket);
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
  }

  private void exited(Thread reader) {
    try {
      reader.join(2_000); // the last updates, sent just before the exit
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    link.close();
    int status = process.exitValue();
    if (!session.isFinished() && !session.relinquished()) {
      PsrpcException error = killError != null ? killError : new PsrpcException(PsrpcCode.INTERNAL, exitText(status));
      log.error("handler for {} ended before its egress: {}", session.plan().egressId(), error.getMessage());
      session.fail(error, b -> b.setErrorCode(killError != null ? error.code().httpStatus() : 500));
    }
    listener.exited(this);
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
   * Fails the egress with {@code error} (the handler closes its outputs); if the handler has not
   * exited after {@code graceMs}, the process is killed and the egress fails with the same error.
   */
  @Override
  public void kill(PsrpcException error, long graceMs) {
    killError = error;
    if (link == null) {
      Process p = process;
      if (p != null) {
        p.destroyForcibly(); // still coming up: nothing recorded yet
      }
      return;
    }
    send(Kind.KILL, HandlerLink.errorText(error));
    process.onExit().orTimeout(graceMs, TimeUnit.MILLISECONDS).exceptionally(t -> {
      process.destroyForcibly();
      return null;
    });
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

  public String egressId() {
    return session.plan().egressId();
  }

  /** The handler process (its tree is measured for CPU admission). */
  @Override
  public ProcessHandle process() {
    return process.toHandle();
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
