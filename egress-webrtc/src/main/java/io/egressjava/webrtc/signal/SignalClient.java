package io.egressjava.webrtc.signal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiveKit signalling over WebSocket ({@code /rtc}, dual peer connection mode, auto-subscribe off),
 * binary protobuf frames (protocol.md §5). This class joins, keeps the connection alive with
 * {@code ping_req}, hands every {@link SignalResponse} to the listener and leaves on close; WebRTC
 * (answering offers) is layered on top by the room source.
 */
public final class SignalClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalClient.class);
  static final int PROTOCOL_VERSION = 17;
  /**
   * We announce ourselves as the Go SDK the reference egress uses, so the server applies the same
   * per-client rules (webrtc-receive.md §1.1: no ICE-TCP fallback, padding for muted tracks).
   */
  static final String GO_SDK_VERSION = "2.13.0";

  private final Consumer<SignalResponse> listener;
  /** Completes with the ping interval (seconds) once the server accepted us (join or reconnect). */
  private final CompletableFuture<Long> joined = new CompletableFuture<>();
  private volatile LivekitRtc.JoinResponse joinResponse;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "signal-ping");
    t.setDaemon(true);
    return t;
  });
  private volatile WebSocket socket;

  private SignalClient(Consumer<SignalResponse> listener) {
    this.listener = listener;
  }

  /** The /rtc URL for a server URL (http(s) is rewritten to ws(s)). */
  static URI rtcUri(String wsUrl, String token) {
    String base = wsUrl.replaceFirst("^http", "ws");
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/rtc?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
        + "&protocol=" + PROTOCOL_VERSION + "&auto_subscribe=0&sdk=go&version=" + GO_SDK_VERSION + "&os=linux");
  }

  /** Connects and waits for the JoinResponse. */
  public static SignalClient connect(String wsUrl, String token, Consumer<SignalResponse> listener, Duration timeout) {
    return open(rtcUri(wsUrl, token), listener, timeout);
  }

  /**
   * Resumes an existing participant after the socket dropped (webrtc-receive.md §1.8): the server
   * answers with a ReconnectResponse instead of a JoinResponse, and the peer connection lives on.
   */
  public static SignalClient resume(String wsUrl, String token, String participantSid, Consumer<SignalResponse> listener,
      Duration timeout) {
    URI uri = URI.create(rtcUri(wsUrl, token) + "&reconnect=1&sid=" + URLEncoder.encode(participantSid, StandardCharsets.UTF_8)
        + "&reconnect_reason=1");
    return open(uri, listener, timeout);
  }

  private static SignalClient open(URI uri, Consumer<SignalResponse> listener, Duration timeout) {
    SignalClient c = new SignalClient(listener);
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    c.socket = http.newWebSocketBuilder().connectTimeout(timeout)
        .buildAsync(uri, c.new Receiver())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .join();
    long interval = c.joined.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    c.pinger.scheduleAtFixedRate(c::ping, interval, interval, TimeUnit.SECONDS);
    return c;
  }

  /** The JoinResponse of a fresh join; null after a resume. */
  public LivekitRtc.JoinResponse joinResponse() {
    joined.join();
    return joinResponse;
  }

  /** Completes when the server closes the connection. */
  public CompletableFuture<Void> closedFuture() {
    return closed;
  }

  public void send(SignalRequest request) {
    WebSocket ws = socket;
    if (ws != null && !ws.isOutputClosed()) {
      synchronized (this) {
        ws.sendBinary(ByteBuffer.wrap(request.toByteArray()), true).join();
      }
    }
  }

  private void ping() {
    try {
      send(SignalRequest.newBuilder().setPingReq(LivekitRtc.Ping.newBuilder().setTimestamp(System.currentTimeMillis())).build());
    } catch (RuntimeException e) {
      log.debug("signal ping failed: {}", e.getMessage());
    }
  }

  /** Closes the socket without leaving (the participant stays; for resume tests and shutdown paths). */
  public void abort() {
    pinger.shutdownNow();
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort(); // the JDK calls no listener method after abort(): report the close ourselves
    }
    closed.complete(null);
  }

  /** Leaves the room (CLIENT_INITIATED) and closes the socket. */
  @Override
  public void close() {
    pinger.shutdownNow();
    WebSocket ws = socket;
    if (ws == null || ws.isOutputClosed()) {
      return;
    }
    try {
      send(SignalRequest.newBuilder().setLeave(LivekitRtc.LeaveRequest.newBuilder()
          .setReason(LivekitModels.DisconnectReason.CLIENT_INITIATED)
          .setAction(LivekitRtc.LeaveRequest.Action.DISCONNECT)).build());
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "leave").orTimeout(2, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      ws.abort();
    }
  }

  private final class Receiver implements WebSocket.Listener {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      partial.writeBytes(chunk);
      if (last) {
        byte[] frame = partial.toByteArray();
        partial.reset();
        try {
          SignalResponse response = SignalResponse.parseFrom(frame);
          if (response.hasJoin()) {
            joinResponse = response.getJoin();
            joined.complete(response.getJoin().getPingInterval() > 0 ? (long) response.getJoin().getPingInterval() : 5L);
          } else if (response.hasReconnect()) {
            joined.complete(5L);
          } else if (response.hasLeave() && !joined.isDone()) {
            joined.completeExceptionally(new IllegalStateException("server refused us: " + response.getLeave().getReason()));
          }
          listener.accept(response);
        } catch (InvalidProtocolBufferException e) {
          log.warn("dropped an undecodable signal frame ({} bytes)", frame.length);
        } catch (RuntimeException e) {
          log.error("signal listener failed", e);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      joined.completeExceptionally(new IllegalStateException("signal connection closed: " + statusCode + " " + reason));
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      joined.completeExceptionally(error);
      closed.complete(null);
    }
  }
}
