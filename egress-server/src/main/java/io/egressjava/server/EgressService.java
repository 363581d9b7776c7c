package io.egressjava.server;

import io.egressjava.core.lifecycle.EgressLogFields;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.ListActiveEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.core.plan.RequestType;
import io.egressjava.embedded.RunnerFactory;
import io.egressjava.psrpc.MessageBus;
import io.egressjava.psrpc.RpcClient;
import io.egressjava.psrpc.RpcServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress side of LiveKit's control plane: answers livekit-server's StartEgress (claiming with
 * affinity), ListActiveEgress, and per egress StopEgress/UpdateStream on topic = egress ID; reports
 * EgressInfo through IOInfo.CreateEgress/UpdateEgress.
 */
public final class EgressService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EgressService.class);
  /** How long an answer that reports a change waits for livekit-server to have stored it. */
  private static final Duration ANSWER_AFTER_STORED = Duration.ofSeconds(2);

  private final EgressConfig config;
  private final RunnerFactory runners;
  private final Clock clock;
  private final EgressPlanner planner;
  private final Admission admission;
  private final RpcServer internal;
  private final RpcServer handler;
  private final RpcClient io;
  private final PeerWatch peers;
  private final Map<String, Active> active = new ConcurrentHashMap<>();
  private final Map<Outcome, Long> results = new ConcurrentHashMap<>();

  private volatile boolean shuttingDown;
  private RpcServer.Registration startRegistration;
  private RpcServer.Registration listRegistration;

  /** One running egress and what must be undone when it ends. */
  private final class Active {
    final EgressSession session;
    final InfoReporter reporter;
    final CountDownLatch finished = new CountDownLatch(1);
    volatile EgressRunner runner;
    volatile List<RpcServer.Registration> registrations = List.of();
    volatile StartEgressRequest request;

    Active(EgressPlan plan) {
      String id = plan.egressId();
      this.reporter = new InfoReporter(io, config.ioCreateTimeout(), config.ioUpdateTimeout(),
          config.ioSelectionTimeout(), () -> finish(id));
      this.session = new EgressSession(plan, clock, reporter::update);
      this.session.onRelinquished(() -> finish(id));
    }
  }

  public EgressService(EgressConfig config, MessageBus bus, RunnerFactory runners, Clock clock) {
    this(config, bus, runners, clock, Admission.machineCpu());
  }

  public EgressService(EgressConfig config, MessageBus bus, RunnerFactory runners, Clock clock, double totalCpu) {
    this.config = config;
    this.runners = runners;
    this.clock = clock;
    this.planner = new EgressPlanner(config, clock);
    this.admission = new Admission(config.cpuCost(), totalCpu, config::composesNatively);
    this.io = new RpcClient(bus, EgressRpc.IO_INFO);
    this.internal = new RpcServer(bus, EgressRpc.EGRESS_INTERNAL);
    this.handler = new RpcServer(bus, EgressRpc.EGRESS_HANDLER);
    this.peers = new PeerWatch(bus, admission::soleInstance);
  }

  /** Registers ListActiveEgress and StartEgress: from now on this instance takes work. */
  public EgressService start() {
    listRegistration = internal.register(EgressRpc.LIST_ACTIVE_EGRESS, "", ListActiveEgressRequest.parser(), null,
        (req, ctx) -> ListActiveEgressResponse.newBuilder().addAllEgressIds(activeEgressIds()).build());
    startRegistration = internal.register(EgressRpc.START_EGRESS, config.clusterId(), StartEgressRequest.parser(),
        req -> admission.affinity(admission.cost(req), shuttingDown || active.containsKey(req.getEgressId())),
        (req, ctx) -> startEgress(req));
    peers.start(); // after ListActiveEgress is registered: this instance answers its own question
    return this;
  }

  public List<String> activeEgressIds() {
    return List.copyOf(active.keySet());
  }

  public String serverId() {
    return internal.serverId();
  }

  public Admission admission() {
    return admission;
  }

  /** A running egress as health and metrics show it. */
  public record Running(String egressId, String type, StartEgressRequest request) {}

  public List<Running> running() {
    return active.values().stream()
        .map(a -> new Running(a.session.plan().egressId(), a.session.plan().requestType().label(), a.request))
        .toList();
  }

  /** A finished egress's request type and result (named as the reference's handler_results). */
  public record Outcome(String type, String result) {}

  /** Finished egresses by outcome. */
  public Map<Outcome, Long> results() {
    return Map.copyOf(results);
  }

  /** Each running egress's metrics (for a handler's egress, the mirror of what the handler sent). */
  public List<io.egressjava.core.metrics.EgressMetrics> egressMetrics() {
    return sessions().stream().map(EgressSession::metrics).toList();
  }

  /** The service's session of each running egress (for a handler's egress, the mirror of the handler's). */
  public List<EgressSession> sessions() {
    return active.values().stream().map(a -> a.session).toList();
  }

  public boolean isShuttingDown() {
    return shuttingDown;
  }

  /** Ends every running egress gracefully with {@code reason} (outputs finalized and uploaded). */
  public void stopAll(String reason) {
    for (Active a : List.copyOf(active.values())) {
      stopEgress(a, reason);
    }
  }

  private EgressInfo startEgress(StartEgressRequest req) {
    if (shuttingDown) {
      throw EgressErrors.shuttingDown();
    }
    String id = req.getEgressId();
    if (active.containsKey(id)) {
      throw EgressErrors.egressAlreadyExists();
    }
    if (!admission.tryReserve(id, admission.cost(req))) {
      throw EgressErrors.notEnoughCpu();
    }
    EgressPlan plan;
    try {
      plan = planner.plan(req);
    } catch (RuntimeException e) {
      admission.release(id);
      throw e;
    }
    EgressLogFields.register(plan);
    Active a = new Active(plan);
    a.request = req;
    if (active.putIfAbsent(id, a) != null) {
      admission.release(id);
      throw EgressErrors.egressAlreadyExists();
    }
    // the handler topics exist before the egress starts, so a quick StopEgress finds it
    a.registrations = List.of(
        handler.register(EgressRpc.STOP_EGRESS, id, LivekitEgress.StopEgressRequest.parser(), null,
            (stop, ctx) -> stopEgress(a, EgressSession.STOP_EGRESS_API)),
        handler.register(EgressRpc.UPDATE_STREAM, id, LivekitEgress.UpdateStreamRequest.parser(), null,
            (update, ctx) -> updateStream(a, update)));
    a.reporter.create(a.session.info());
    try {
      a.runner = runners.create(plan, req);
      a.runner.start(plan, a.session);
      admission.started(id);
    } catch (RuntimeException e) {
      // as the reference: StartEgress answers with the error (a handler that did not come up, a
      // source this build cannot record), and the egress is reported FAILED with it
      PsrpcException error = e instanceof PsrpcException p ? p : new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage()));
      if (!(e instanceof PsrpcException)) {
        log.error("egress {} failed to start", id, e);
      }
      a.session.fail(error, b -> { });
      throw error;
    }
    log.info("egress {} started ({}, {})", id, plan.requestType().label(), plan.sourceType());
    return plan.info();
  }

  /**
   * Pause, resume… an egress running here (the control endpoint). NOT_FOUND when it is not,
   * FAILED_PRECONDITION when it is not ACTIVE (not recording yet, or ending).
   */
  public EgressInfo control(String egressId, LayoutControl control) {
    Active a = active.get(egressId);
    if (a == null || a.runner == null) {
      throw new PsrpcException(PsrpcCode.NOT_FOUND, "egress " + egressId + " is not running on this instance");
    }
    LivekitEgress.EgressStatus status = a.session.status();
    if (status != LivekitEgress.EgressStatus.EGRESS_ACTIVE) {
      throw new PsrpcException(PsrpcCode.FAILED_PRECONDITION, "egress " + egressId + " is " + status
          + ": only an active egress can be paused or resumed");
    }
    if (control.selects() && a.session.plan().requestType() == RequestType.TRACK) {
      throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "a track egress records one track: pause it instead of leaving it out");
    }
    a.runner.control(control);
    return a.session.info();
  }

  private EgressInfo stopEgress(Active a, String reason) {
    EgressInfo info = a.session.ending(reason);
    EgressRunner runner = a.runner;
    // ENDING drains the runner; ABORTED (stopped before it started) must stop it all the same
    if (runner != null && (info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ENDING
        || info.getStatus() == LivekitEgress.EgressStatus.EGRESS_ABORTED)) {
      runner.stop();
    }
    a.reporter.awaitSent(ANSWER_AFTER_STORED); // as the reference: the store says ENDING before the caller hears it
    return info;
  }

  private EgressInfo updateStream(Active a, LivekitEgress.UpdateStreamRequest update) {
    EgressRunner runner = a.runner;
    if (runner == null || a.session.plan().stream() == null) {
      throw EgressErrors.nonStreamingPipeline();
    }
    runner.updateStream(update.getAddOutputUrlsList(), update.getRemoveOutputUrlsList());
    a.reporter.awaitSent(ANSWER_AFTER_STORED);
    return a.session.info();
  }

  /**
   * Sends the final info of an egress an earlier run of the service started (recovered from its
   * spool after a restart) as IOInfo.UpdateEgress; true once livekit-server has it.
   */
  public boolean reportRecovered(EgressInfo info, Duration timeout) {
    InfoReporter reporter = new InfoReporter(io, config.ioCreateTimeout(), config.ioUpdateTimeout(),
        config.ioSelectionTimeout(), () -> { });
    reporter.alreadyCreated();
    reporter.update(info);
    return reporter.awaitSent(timeout);
  }

  /** After the final UpdateEgress: drop the handler topics and free capacity. */
  private void finish(String egressId) {
    Active a = active.remove(egressId);
    if (a == null) {
      return;
    }
    a.registrations.forEach(RpcServer.Registration::close);
    admission.release(egressId);
    String result = a.session.relinquished() ? "duplicate_identity" : resultLabel(a.session.status());
    results.merge(new Outcome(a.session.plan().requestType().label(), result), 1L, Long::sum);
    a.finished.countDown();
    EgressInfo end = a.session.info();
    log.info("egress {} finished: {}{}", egressId, end.getStatus(), end.getError().isEmpty() ? "" : " (" + end.getError() + ")");
  }

  private static String resultLabel(LivekitEgress.EgressStatus status) {
    return switch (status) {
      case EGRESS_COMPLETE, EGRESS_LIMIT_REACHED -> "completed";
      case EGRESS_ABORTED -> "aborted";
      default -> "process_error";
    };
  }

  /** Stops taking new work (StartEgress is deregistered), then waits for running egresses. */
  public boolean drain(Duration timeout) {
    shuttingDown = true;
    if (startRegistration != null) {
      startRegistration.close();
      startRegistration = null;
    }
    long end = System.nanoTime() + timeout.toNanos();
    for (Active a : List.copyOf(active.values())) {
      try {
        if (!a.finished.await(Math.max(end - System.nanoTime(), 0), TimeUnit.NANOSECONDS)) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    peers.close();
    drain(Duration.ZERO);
    if (listRegistration != null) {
      listRegistration.close();
    }
    for (Active a : active.values()) {
      a.registrations.forEach(RpcServer.Registration::close);
    }
    internal.close();
    handler.close();
    io.close();
  }
}
