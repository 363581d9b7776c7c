package io.egressjava.sinks.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.testrig.Ports;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.Test;

/** The websocket output against a local WebSocket server (Java-WebSocket), checking what arrives. */
class WebSocketAudioSinkTest {

  /** Records everything a client sends. */
  static final class Receiver extends WebSocketServer {
    final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final AtomicInteger pings = new AtomicInteger();
    final AtomicReference<String> contentType = new AtomicReference<>();
    final AtomicReference<String> pongPayload = new AtomicReference<>();
    volatile boolean closedByClient;

    Receiver() {
      super(new InetSocketAddress("127.0.0.1", Ports.free()));
      setReuseAddr(true);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      contentType.set(handshake.getFieldValue("Content-Type"));
      PingFrame ping = new PingFrame();
      ping.setPayload(ByteBuffer.wrap("are you there".getBytes()));
      conn.sendFrame(ping);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
      pings.incrementAndGet();
      super.onWebsocketPing(conn, f);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
      pongPayload.set(new String(f.getPayloadData().array(), f.getPayloadData().position(), f.getPayloadData().remaining()));
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      closedByClient = remote;
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      texts.add(message);
    }

    @Override
    public synchronized void onMessage(WebSocket conn, ByteBuffer message) {
      byte[] b = new byte[message.remaining()];
      message.get(b);
      pcm.writeBytes(b);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    @Override
    public void onStart() {
    }

    String url() {
      return "ws://127.0.0.1:" + getPort() + "/audio?token=abcdef123456";
    }
  }

  static byte[] pcm20ms(int seq) {
    byte[] b = new byte[960 * 4];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seq + i);
    }
    return b;
  }

  @Test
  void pcmMutedFramesPingsAndClose() throws Exception {
    Receiver server = new Receiver();
    server.start();
    try {
      Ports.await(Duration.ofSeconds(5), "websocket server", () -> Ports.accepts(server.getPort()));
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      try (WebSocketAudioSink sink = WebSocketAudioSink.connect(server.url(), "ws://127.0.0.1/audio?token={abc...456}",
          Duration.ofMillis(200))) {
        for (int i = 0; i < 25; i++) {
          byte[] chunk = pcm20ms(i);
          sink.write(chunk, chunk.length);
          sent.writeBytes(chunk);
          if (i == 10) {
            sink.muted(true);
            sink.muted(true); // once per change
          }
          if (i == 15) {
            sink.muted(false);
          }
        }
        Thread.sleep(700); // a few ping intervals
      }
      Ports.await(Duration.ofSeconds(5), "all audio", () -> server.pcm.size() == sent.size());
      assertThat(server.pcm.toByteArray()).isEqualTo(sent.toByteArray());
      assertThat(server.texts).containsExactly("{\"muted\":true}", "{\"muted\":false}");
      assertThat(server.contentType.get()).isEqualTo("audio/x-raw");
      assertThat(server.pings.get()).isGreaterThanOrEqualTo(2);
      Ports.await(Duration.ofSeconds(5), "close frame", () -> server.closedByClient);
    } finally {
      server.stop(1000);
    }
  }

  @Test
  void unreachableOrBrokenEndpointsFailWithUnavailable() throws Exception {
    assertThatThrownBy(() -> WebSocketAudioSink.connect("ws://127.0.0.1:" + Ports.free() + "/x", "ws://127.0.0.1/x"))
        .isInstanceOf(EgressException.class)
        .satisfies(e -> assertThat(((EgressException) e).code()).isEqualTo(PsrpcCode.UNAVAILABLE));

    Receiver server = new Receiver();
    server.start();
    Ports.await(Duration.ofSeconds(5), "websocket server", () -> Ports.accepts(server.getPort()));
    WebSocketAudioSink sink = WebSocketAudioSink.connect(server.url(), "redacted");
    server.stop(1000); // the receiver goes away mid-stream
    assertThatThrownBy(() -> {
      for (int i = 0; i < 100; i++) {
        byte[] chunk = pcm20ms(i);
        sink.write(chunk, chunk.length);
        Thread.sleep(10);
      }
    }).isInstanceOf(EgressException.class).hasMessageContaining("write failed")
        .satisfies(e -> assertThat(((EgressException) e).code()).isEqualTo(PsrpcCode.UNAVAILABLE));
    sink.close();
  }
}
