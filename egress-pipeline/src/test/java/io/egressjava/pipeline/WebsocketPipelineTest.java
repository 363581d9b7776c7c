package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.compat.ProtocolCompat;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.testrig.Ports;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A v2 media plan with a ws:// output: raw PCM from the source reaches a WebSocket server; its loss fails the egress. */
class WebsocketPipelineTest {

  static final class Counter extends WebSocketServer {
    final AtomicLong bytes = new AtomicLong();

    Counter() {
      super(new InetSocketAddress("127.0.0.1", Ports.free()));
      setReuseAddr(true);
    }

    @Override public void onOpen(WebSocket conn, ClientHandshake handshake) { }
    @Override public void onClose(WebSocket conn, int code, String reason, boolean remote) { }
    @Override public void onMessage(WebSocket conn, String message) { }
    @Override public void onMessage(WebSocket conn, ByteBuffer message) { bytes.addAndGet(message.remaining()); }
    @Override public void onError(WebSocket conn, Exception ex) { }
    @Override public void onStart() { }

    String url() {
      return "ws://127.0.0.1:" + getPort() + "/audio";
    }
  }

  static EgressPlan plan(String wsUrl) {
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    var media = LivekitEgress.MediaSource.newBuilder()
        .setAudio(ProtocolCompat.audioConfig(false, List.of(LivekitEgress.AudioRoute.newBuilder().setTrackId("TR_a").build())));
    var v2 = LivekitEgress.StartEgressRequest.newBuilder().setRoomName("room").setMedia(media)
        .addOutputs(LivekitEgress.Output.newBuilder().setStream(LivekitEgress.StreamOutput.newBuilder().addUrls(wsUrl)));
    return new EgressPlanner(config, Clock.systemUTC()).plan(StartEgressRequest.newBuilder().setEgressId("EG_ws").setEgress(v2).build());
  }

  static PipelineRunner runner(Path tmp) {
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    return new PipelineRunner(config, new TestPatternSource(320, 180, 30), tmp.resolve("work"), tmp, Clock.systemUTC());
  }

  @Test
  void pcmReachesTheSocketAndTheEgressCompletes(@TempDir Path tmp) throws Exception {
    Counter server = new Counter();
    server.start();
    try {
      Ports.await(Duration.ofSeconds(5), "ws server", () -> Ports.accepts(server.getPort()));
      EgressPlan plan = plan(server.url());
      EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
      PipelineRunner runner = runner(tmp);
      runner.start(plan, session);
      Thread.sleep(2_000);
      session.ending(EgressSession.STOP_EGRESS_API);
      runner.stop();
      Ports.await(Duration.ofSeconds(20), "finish", session::isFinished);
      assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      // 48 kHz × 2 channels × 2 bytes ≈ 192 kB per second
      assertThat(server.bytes.get()).isBetween(150_000L, 500_000L);
      assertThat(session.info().getStreamResults(0).getStatus()).isEqualTo(LivekitEgress.StreamInfo.Status.FINISHED);
    } finally {
      server.stop(1000);
    }
  }

  @Test
  void losingTheSocketFailsTheEgressWithUnavailable(@TempDir Path tmp) throws Exception {
    Counter server = new Counter();
    server.start();
    Ports.await(Duration.ofSeconds(5), "ws server", () -> Ports.accepts(server.getPort()));
    EgressPlan plan = plan(server.url());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    runner(tmp).start(plan, session);
    Thread.sleep(500);
    server.stop(1000);
    Ports.await(Duration.ofSeconds(20), "failure", session::isFinished);
    assertThat(session.status()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(session.info().getErrorCode()).isEqualTo(503);
    assertThat(session.info().getError()).contains("write failed");
  }
}
