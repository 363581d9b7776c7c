package io.egressjava.server.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StartEgress never waits long for a handler: one slow to say READY (a loaded node) lets start()
 * return with the egress STARTING, then comes up in the background and gets a StopEgress that came
 * meanwhile; one that dies before READY fails the egress by an update. Egresses sharing a handler
 * end apart, and fail together only when it dies. The handler's side is the
 * other end of a real Unix socket; the handler "process" is a real one.
 */
class HandlerProcessRunnerTest {
  private static final long ANSWER_MS = 300;
  private Process process;

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void aHandlerSlowToComeUpAnswersStartingThenGetsTheStopThatCameMeanwhile(@TempDir Path dir) throws Exception {
    process = new ProcessBuilder("sleep", "60").start();
    try (Pair control = new Pair(dir.resolve("c.sock"))) {
      HandlerHost host = host(control);
      EgressSession session = session("EG_slow");
      CountDownLatch ready = new CountDownLatch(1);
      HandlerProcessRunner runner = runner(dir, host, "EG_slow", listener(ready, new CountDownLatch(1)));

      long t0 = System.nanoTime();
      runner.start(session.plan(), session);
      long returnedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(returnedMs).as("start() returned while the handler was not ready").isLessThan(ANSWER_MS + 1_000);
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_STARTING);
      HandlerLink egress = acceptAssignment(control, "EG_slow");

      session.ending(EgressSession.STOP_EGRESS_API);
      runner.stop(); // before READY: held, not lost
      Thread.sleep(ANSWER_MS);
      egress.send(HandlerLink.Kind.READY, new byte[0]);
      assertThat(ready.await(5, TimeUnit.SECONDS)).as("the runner saw READY").isTrue();
      HandlerLink.Frame stop = egress.receive();
      assertThat(stop.kind()).isEqualTo(HandlerLink.Kind.STOP);
      assertThat(stop.text()).isEqualTo(EgressSession.STOP_EGRESS_API);
      egress.close();
    }
  }

  @Test
  void aHandlerThatDiesBeforeReadyFailsTheEgressAfterStartReturned(@TempDir Path dir) throws Exception {
    process = new ProcessBuilder("sleep", "1").start();
    try (Pair control = new Pair(dir.resolve("c.sock"))) {
      EgressSession session = session("EG_slow");
      CountDownLatch exited = new CountDownLatch(1);
      HandlerProcessRunner runner = runner(dir, host(control), "EG_slow", listener(new CountDownLatch(1), exited));
      runner.start(session.plan(), session);
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(exited.await(10, TimeUnit.SECONDS)).as("the service was told the handler is gone").isTrue();
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_FAILED);
      assertThat(session.info().getError()).isEqualTo("handler failed to start");
    }
  }

  /**
   * Two egresses in one handler: one ends normally (its final update, then its link closes) and
   * leaves the other running; when the process dies the other fails with the exit as its error.
   */
  @Test
  void egressesSharingAHandlerEndApartAndFailTogetherWhenItDies(@TempDir Path dir) throws Exception {
    process = new ProcessBuilder("sleep", "60").start();
    try (Pair control = new Pair(dir.resolve("c.sock"))) {
      HandlerHost host = host(control);
      assertThat(host.reserve(2, 1)).isTrue();
      assertThat(host.reserve(2, 1)).isTrue();
      assertThat(host.reserve(2, 1)).as("full").isFalse();
      CountDownLatch exitedA = new CountDownLatch(1);
      CountDownLatch exitedB = new CountDownLatch(1);
      EgressSession a = session("EG_a");
      EgressSession b = session("EG_b");
      HandlerProcessRunner runnerA = runner(dir, host, "EG_a", listener(new CountDownLatch(1), exitedA));
      HandlerProcessRunner runnerB = runner(dir, host, "EG_b", listener(new CountDownLatch(1), exitedB));
      runnerA.start(a.plan(), a);
      HandlerLink linkA = acceptAssignment(control, "EG_a");
      runnerB.start(b.plan(), b);
      HandlerLink linkB = acceptAssignment(control, "EG_b");
      linkA.send(HandlerLink.Kind.READY, new byte[0]);
      linkB.send(HandlerLink.Kind.READY, new byte[0]);

      EgressSession handlerSideA = session("EG_a");
      handlerSideA.fail(new io.egressjava.api.errors.PsrpcException(io.egressjava.api.errors.PsrpcCode.NOT_FOUND,
          "track TR_a not found"), x -> { });
      linkA.send(HandlerLink.Kind.INFO, handlerSideA.info().toByteArray());
      linkA.close();
      assertThat(exitedA.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(a.info().getError()).isEqualTo("track TR_a not found");
      assertThat(exitedB.getCount()).as("the other egress runs on").isEqualTo(1);

      process.destroyForcibly().waitFor();
      linkB.close(); // as the dead process's socket would
      assertThat(exitedB.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(b.status()).isEqualTo(EgressStatus.EGRESS_FAILED);
      assertThat(b.info().getError()).isEqualTo("signal: killed");
    }
  }

  private HandlerHost host(Pair control) {
    return HandlerHost.connected("test-handler", process, control.service);
  }

  /** The handler's side of an ASSIGN: reads it from the control link and connects the egress's link. */
  private static HandlerLink acceptAssignment(Pair control, String egressId) throws Exception {
    HandlerLink.Frame f = control.handler.receive();
    assertThat(f.kind()).isEqualTo(HandlerLink.Kind.ASSIGN);
    HandlerLink.Assignment a = HandlerLink.Assignment.parse(f.payload());
    assertThat(a.request().getEgressId()).isEqualTo(egressId);
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(a.socket()));
    return new HandlerLink(channel);
  }

  /** A runner for this egress on {@code host}, answering after {@link #ANSWER_MS}. */
  private static HandlerProcessRunner runner(Path dir, HandlerHost host, String egressId,
      HandlerProcessRunner.Listener listener) {
    return new HandlerProcessRunner(new HandlerLauncher("", dir), request(egressId), host, listener, ANSWER_MS);
  }

  private static HandlerProcessRunner.Listener listener(CountDownLatch ready, CountDownLatch exited) {
    return new HandlerProcessRunner.Listener() {
      @Override
      public void ready(HandlerProcessRunner runner) {
        ready.countDown();
      }

      @Override
      public void exited(HandlerProcessRunner runner) {
        exited.countDown();
      }
    };
  }

  private static StartEgressRequest request(String egressId) {
    return StartEgressRequest.newBuilder().setEgressId(egressId)
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("room").setTrackId("TR_a")
            .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("t.ogg")))
        .build();
  }

  private static EgressSession session(String egressId) {
    var config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC()).plan(request(egressId));
    return new EgressSession(plan, Clock.systemUTC(), info -> { });
  }

  /** Both ends of a handler link over a Unix socket. */
  private static final class Pair implements AutoCloseable {
    final HandlerLink service;
    final HandlerLink handler;

    Pair(Path socket) throws Exception {
      UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(address);
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
        client.connect(address);
        service = new HandlerLink(server.accept());
        handler = new HandlerLink(client);
      }
    }

    @Override
    public void close() {
      for (HandlerLink l : List.of(service, handler)) {
        l.close();
      }
    }
  }
}
