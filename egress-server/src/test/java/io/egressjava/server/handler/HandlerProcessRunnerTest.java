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
 * meanwhile; one that dies before READY fails the egress by an update. The handler's side is the
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
    try (Pair pair = new Pair(dir)) {
      EgressSession session = session();
      CountDownLatch ready = new CountDownLatch(1);
      HandlerProcessRunner runner = runner(pair, listener(ready, new CountDownLatch(1)));

      long t0 = System.nanoTime();
      runner.start(session.plan(), session);
      long returnedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(returnedMs).as("start() returned while the handler was not ready").isLessThan(ANSWER_MS + 1_000);
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(pair.handler.receive().kind()).isEqualTo(HandlerLink.Kind.ASSIGN);

      session.ending(EgressSession.STOP_EGRESS_API);
      runner.stop(); // before READY: held, not lost
      Thread.sleep(ANSWER_MS);
      pair.handler.send(HandlerLink.Kind.READY, new byte[0]);
      assertThat(ready.await(5, TimeUnit.SECONDS)).as("the runner saw READY").isTrue();
      HandlerLink.Frame stop = pair.handler.receive();
      assertThat(stop.kind()).isEqualTo(HandlerLink.Kind.STOP);
      assertThat(stop.text()).isEqualTo(EgressSession.STOP_EGRESS_API);
    }
  }

  @Test
  void aHandlerThatDiesBeforeReadyFailsTheEgressAfterStartReturned(@TempDir Path dir) throws Exception {
    process = new ProcessBuilder("sleep", "1").start();
    try (Pair pair = new Pair(dir)) {
      EgressSession session = session();
      CountDownLatch exited = new CountDownLatch(1);
      HandlerProcessRunner runner = runner(pair, listener(new CountDownLatch(1), exited));
      runner.start(session.plan(), session);
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(exited.await(10, TimeUnit.SECONDS)).as("the service was told the handler is gone").isTrue();
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_FAILED);
      assertThat(session.info().getError()).isEqualTo("handler failed to start");
    }
  }

  /** A runner handed this test's process and link as its spare, answering after {@link #ANSWER_MS}. */
  private HandlerProcessRunner runner(Pair pair, HandlerProcessRunner.Listener listener) {
    return new HandlerProcessRunner(null, request(), new HandlerProcessRunner.Spare(process, pair.service), listener,
        ANSWER_MS);
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

  private static StartEgressRequest request() {
    return StartEgressRequest.newBuilder().setEgressId("EG_slow")
        .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("room").setTrackId("TR_a")
            .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("t.ogg")))
        .build();
  }

  private static EgressSession session() {
    var config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC()).plan(request());
    return new EgressSession(plan, Clock.systemUTC(), info -> { });
  }

  /** Both ends of a handler link over a Unix socket. */
  private static final class Pair implements AutoCloseable {
    final HandlerLink service;
    final HandlerLink handler;

    Pair(Path dir) throws Exception {
      UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("h.sock"));
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
