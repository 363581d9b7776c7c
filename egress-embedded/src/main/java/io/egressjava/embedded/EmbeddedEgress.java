package io.egressjava.embedded;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;

/**
 * The library API: run one egress in this JVM from a LiveKit request, without Redis or a
 * livekit-server dispatching it. Updates arrive as the EgressInfo livekit-server would get.
 *
 * <pre>{@code
 * try (EmbeddedEgress e = EmbeddedEgress.start(config, StartEgressRequest.newBuilder().setWeb(web).build(), System.out::println)) {
 *   Thread.sleep(10_000);
 *   e.stop();
 *   EgressInfo done = e.await(Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class EmbeddedEgress implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final EgressSession session;
  private final EgressRunner runner;
  private final MediaRunners runners;
  private final CountDownLatch finished = new CountDownLatch(1);

  private EmbeddedEgress(EgressConfig config, StartEgressRequest request, Consumer<EgressInfo> updates, Path workDir) {
    Clock clock = Clock.systemUTC();
    StartEgressRequest withId = request.getEgressId().isEmpty() ? request.toBuilder().setEgressId(newId()).build() : request;
    EgressPlan plan = new EgressPlanner(config, clock).plan(withId);
    this.runners = new MediaRunners(config, workDir, clock);
    this.session = new EgressSession(plan, clock, info -> {
      updates.accept(info);
      if (EgressSession.isTerminal(info.getStatus())) {
        finished.countDown();
      }
    });
    this.runner = runners.create(plan);
  }

  /**
   * Plans and starts the egress; throws the reference's errors (PsrpcException with its code) for a
   * bad request. An empty egress id gets a fresh one.
   */
  public static EmbeddedEgress start(EgressConfig config, StartEgressRequest request, Consumer<EgressInfo> updates) {
    return start(config, request, updates, config.tmpDir());
  }

  public static EmbeddedEgress start(EgressConfig config, StartEgressRequest request, Consumer<EgressInfo> updates,
      Path workDir) {
    EmbeddedEgress e = new EmbeddedEgress(config, request, updates, workDir);
    e.runner.start(e.session.plan(), e.session);
    return e;
  }

  public EgressInfo info() {
    return session.info();
  }

  /** Ends gracefully (as StopEgress): outputs are finalized and stored, then the info is final. */
  public void stop() {
    EgressInfo info = session.ending(EgressSession.STOP_EGRESS_API);
    if (info.getStatus() == livekit.LivekitEgress.EgressStatus.EGRESS_ENDING) {
      runner.stop();
    }
  }

  /**
   * Stops recording until {@link #resume}: nothing captured meanwhile reaches a file or stream.
   * {@link PauseMode#CUT} leaves the span out of the outputs; {@link PauseMode#GAP} keeps it as
   * black pictures and silence. False when already paused or ending.
   */
  public boolean pause(PauseMode mode) {
    return runner.pause(mode);
  }

  /** Records again; false when not paused. */
  public boolean resume() {
    return runner.resume();
  }

  /**
   * Leaves out {@code exclude} and records {@code include} again, from now on: selectors {@code
   * identity:alice} (or {@code alice}), {@code track:TR_x}, {@code kind:audio|video|screen_share}.
   * UNIMPLEMENTED for a track egress.
   */
  public void select(List<String> exclude, List<String> include) {
    runner.select(exclude, include);
  }

  /** Leaves these out from now on (see {@link #select}). */
  public void exclude(String... selectors) {
    select(List.of(selectors), List.of());
  }

  /**
   * Records these again, or adds them where the egress mixes sound (see {@link #select} and
   * docs/consent.md).
   */
  public void include(String... selectors) {
    select(List.of(), List.of(selectors));
  }

  /** Waits for the final info (COMPLETE, FAILED, ABORTED or LIMIT_REACHED). */
  public EgressInfo await(Duration timeout) throws InterruptedException {
    if (!session.isFinished()) {
      finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return session.info();
  }

  /** Stops the egress if it still runs and waits up to a minute for its outputs. */
  @Override
  public void close() throws InterruptedException {
    if (!session.isFinished()) {
      stop();
      await(Duration.ofMinutes(1));
    }
    runners.close();
  }

  private static String newId() {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder id = new StringBuilder("EG_");
    for (int i = 0; i < 12; i++) {
      id.append(chars.charAt(RANDOM.nextInt(chars.length())));
    }
    return id.toString();
  }
}
