package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.server.MediaRunners;
import io.egressjava.server.handler.HandlerLink.Frame;
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
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A handler process: records exactly one egress, started by the service
 * ({@link HandlerProcessRunner}). Everything it needs comes through the environment (no secrets on
 * the command line); it reports to the service over a Unix socket and never talks to Redis.
 * It exits once the egress has ended; if the service goes away it still finishes its outputs.
 */
public final class HandlerMain {
  static final String ENV_CONFIG = "EGRESS_HANDLER_CONFIG_BODY";
  static final String ENV_REQUEST = "EGRESS_HANDLER_REQUEST";
  static final String ENV_PLANNED_AT = "EGRESS_HANDLER_PLANNED_AT";
  static final String ENV_SOCKET = "EGRESS_HANDLER_SOCKET";
  static final String ENV_WORK_ROOT = "EGRESS_HANDLER_WORK_ROOT";

  private static final Logger log = LoggerFactory.getLogger(HandlerMain.class);
  /** After the final update: how long a runner may still tidy up before the process exits. */
  private static final long EXIT_GRACE_MS = 300;

  private final HandlerLink link;
  private final CountDownLatch ended = new CountDownLatch(1);
  private EgressSession session;
  private EgressRunner runner;

  private HandlerMain(HandlerLink link) {
    this.link = link;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    EgressConfig config = EgressConfigLoader.fromYaml(require(env, ENV_CONFIG), env).config();
    LogSetup.apply(config.logging());
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(require(env, ENV_SOCKET)));
    HandlerLink link = new HandlerLink(channel);

    StartEgressRequest request;
    long plannedAt;
    String given = env.get(ENV_REQUEST);
    if (given == null || given.isEmpty()) {
      // a spare, started ahead of demand: it warms up, then gets its egress over the socket
      link.send(Kind.READY, new byte[0]);
      Thread warm = new Thread(HandlerWarmUp::run, "warm-up");
      warm.setDaemon(true);
      warm.start();
      HandlerLink.Frame assigned;
      try {
        assigned = link.receive();
      } catch (IOException e) {
        System.exit(0); // the service closed: this spare is not needed
        return;
      }
      if (assigned.kind() != Kind.ASSIGN) {
        throw new IllegalStateException("a spare handler got " + assigned.kind() + " before its egress");
      }
      HandlerLink.Assignment a = HandlerLink.Assignment.parse(assigned.payload());
      plannedAt = a.plannedAt();
      request = a.request();
    } else {
      request = StartEgressRequest.parseFrom(Base64.getDecoder().decode(given));
      plannedAt = Long.parseLong(require(env, ENV_PLANNED_AT));
    }
    MDC.put("egressID", request.getEgressId());
    // plan as the service did, at the same instant: the same file names and token
    Clock planClock = Clock.fixed(Instant.ofEpochSecond(0, plannedAt), ZoneOffset.UTC);
    EgressPlan plan = new EgressPlanner(config, planClock).plan(request);

    HandlerMain handler = new HandlerMain(link);
    MediaRunners runners = MediaRunners.inHandler(config, Path.of(require(env, ENV_WORK_ROOT)), Clock.systemUTC());
    handler.run(plan, runners);
    runners.close();
    System.exit(0);
  }

  private void run(EgressPlan plan, MediaRunners runners) throws InterruptedException {
    session = new EgressSession(plan, Clock.systemUTC(), this::report);
    session.onRelinquished(() -> {
      send(Kind.RELINQUISHED, new byte[0]);
      ended.countDown();
    });
    runner = runners.create(plan);
    send(Kind.READY, new byte[0]);
    Thread commands = new Thread(this::takeCommands, "handler-commands");
    commands.setDaemon(true);
    commands.start();
    try {
      runner.start(plan, session);
    } catch (PsrpcException e) {
      session.fail(e, b -> { });
    } catch (RuntimeException e) {
      log.error("egress {} failed to start", plan.egressId(), e);
      session.fail(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())), b -> { });
    }
    ended.await();
    Thread.sleep(EXIT_GRACE_MS);
    link.close();
    log.info("handler for {} done: {}", plan.egressId(), session.status());
  }

  /** Every session change goes to the service, which forwards it to livekit-server. */
  private void report(EgressInfo info) {
    send(Kind.INFO, info.toByteArray());
    if (EgressSession.isTerminal(info.getStatus())) {
      ended.countDown();
    }
  }

  private void takeCommands() {
    try {
      while (true) {
        Frame f = link.receive();
        switch (f.kind()) {
          case STOP -> stop(f.text());
          case KILL -> kill(HandlerLink.error(f.text()));
          case UPDATE_STREAM -> updateStream(LivekitEgress.UpdateStreamRequest.parseFrom(f.payload()));
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
      runner.stop(); // aborted before it started: it must not go on recording
    }
  }

  /** Ends the egress as FAILED with the service's error; outputs are still closed. */
  private void kill(PsrpcException error) {
    session.fail(error, b -> { });
    runner.stop();
  }

  private void updateStream(LivekitEgress.UpdateStreamRequest update) {
    String result = "";
    try {
      runner.updateStream(update.getAddOutputUrlsList(), update.getRemoveOutputUrlsList());
    } catch (PsrpcException e) {
      result = HandlerLink.errorText(e);
    } catch (RuntimeException e) {
      result = HandlerLink.errorText(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())));
    }
    send(Kind.UPDATE_STREAM_RESULT, result.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void send(Kind kind, byte[] payload) {
    try {
      link.send(kind, payload);
    } catch (IOException e) {
      log.debug("cannot reach the service: {}", e.getMessage());
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
