package io.egressjava.sinks.websocket;

import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket output (protocol.md §4.10): dials the URL with {@code Content-Type: audio/x-raw},
 * sends raw PCM (s16le, 48 kHz, interleaved) as binary frames and {@code {"muted":…}} text frames
 * when the source track mutes or unmutes, pings every 30 s (payload "ping") and answers pings, and
 * ends with a close frame. A failed write fails the output with code unavailable.
 */
public final class WebSocketAudioSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebSocketAudioSink.class);
  static final Duration PING_INTERVAL = Duration.ofSeconds(30);

  private final WebSocket socket;
  private final String redactedUrl;
  private final ScheduledExecutorService pinger;
  private volatile EgressException failure;
  private Boolean lastMuted;

  private WebSocketAudioSink(WebSocket socket, String redactedUrl, Duration pingInterval) {
    this.socket = socket;
    this.redactedUrl = redactedUrl;
    this.pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ws-ping");
      t.setDaemon(true);
      return t;
    });
    long ms = pingInterval.toMillis();
    pinger.scheduleAtFixedRate(this::ping, ms, ms, TimeUnit.MILLISECONDS);
  }

  public static WebSocketAudioSink connect(String url, String redactedUrl) {
    return connect(url, redactedUrl, PING_INTERVAL);
  }

  static WebSocketAudioSink connect(String url, String redactedUrl, Duration pingInterval) {
    try {
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .header("Content-Type", "audio/x-raw")
          .connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
              webSocket.sendPong(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
              webSocket.request(1);
              return null;
            }
          })
          .get(15, TimeUnit.SECONDS);
      return new WebSocketAudioSink(ws, redactedUrl, pingInterval);
    } catch (Exception e) {
      throw new EgressException(PsrpcCode.UNAVAILABLE, "websocket " + redactedUrl + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** Sends PCM (s16le 48 kHz stereo interleaved) as one binary frame. */
  public void write(byte[] pcm, int length) {
    throwIfFailed();
    try {
      socket.sendBinary(ByteBuffer.wrap(pcm, 0, length), true).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      failure = new EgressException(PsrpcCode.UNAVAILABLE, "websocket " + redactedUrl + " write failed: " + rootMessage(e), e);
      throw failure;
    }
  }

  /** Tells the receiver the source track was muted or unmuted (sent once per change). */
  public synchronized void muted(boolean muted) {
    throwIfFailed();
    if (lastMuted != null && lastMuted == muted) {
      return;
    }
    lastMuted = muted;
    try {
      socket.sendText("{\"muted\":" + muted + "}", true).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      failure = new EgressException(PsrpcCode.UNAVAILABLE, "websocket " + redactedUrl + " write failed: " + rootMessage(e), e);
      throw failure;
    }
  }

  private void ping() {
    try {
      socket.sendPing(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
    } catch (RuntimeException e) {
      log.debug("websocket ping failed: {}", e.getMessage());
    }
  }

  private void throwIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }

  /** Sends a close frame and closes. */
  @Override
  public void close() {
    pinger.shutdownNow();
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.abort();
    }
  }
}
