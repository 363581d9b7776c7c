package io.egressjava.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.egressjava.api.rpc.StartEgressRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference's {@code health_port} and {@code prometheus_port}. Health: any path (but the
 * control endpoint's and the status page's) answers 200 with
 * {"CpuLoad": available cores (the reference's misnomer), "<egress id>": the request, …}. Metrics:
 * {@link NodeMetrics}.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private final HttpServer server;

  private StatusServer(HttpServer server) {
    this.server = server;
  }

  /** The health JSON, and the control endpoint under /egress/ (see {@link ControlEndpoint}). */
  /** The health JSON, the control endpoint under /egress/, and the status page under /status ({@link StatusPage}). */
  public static StatusServer health(String host, int port, EgressService service, String apiKey, String apiSecret,
      CpuMonitor cpu, MemoryMonitor memory) {
    StatusServer s = start("health", host, port, () -> healthJson(service), "application/json");
    AccessTokenVerifier tokens = new AccessTokenVerifier(apiKey, apiSecret, java.time.Clock.systemUTC());
    s.server.createContext("/egress/", new ControlEndpoint(service, tokens));
    new StatusPage(service, cpu, memory, tokens, java.time.Clock.systemUTC()).register(s.server);
    return s;
  }

  /** Any path answers the node's metrics in Prometheus text (as the reference's port does). */
  public static StatusServer metrics(String host, int port, NodeMetrics metrics) {
    return start("prometheus", host, port, metrics::scrape, metrics.contentType());
  }

  private static StatusServer start(String what, String host, int port, Supplier<String> body, String type) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
      server.createContext("/", exchange -> respond(exchange, body.get(), type));
      server.start();
      log.info("{} on {}:{}", what, host, server.getAddress().getPort());
      return new StatusServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(what + " port " + port + ": " + e.getMessage(), e);
    }
  }

  private static void respond(HttpExchange exchange, String text, String type) throws IOException {
    try (exchange) {
      respond(exchange, 200, text, type);
    }
  }

  /** Sends {@code text} with {@code status}; the caller closes the exchange. */
  static void respond(HttpExchange exchange, int status, String text, String type) throws IOException {
    respond(exchange, status, text.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Sends {@code bytes} with {@code status}; the caller closes the exchange. */
  static void respond(HttpExchange exchange, int status, byte[] bytes, String type) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static String healthJson(EgressService service) {
    StringBuilder json = new StringBuilder("{\"CpuLoad\":")
        .append(String.format(Locale.ROOT, "%.4f", service.admission().available()));
    for (EgressService.Running r : service.running()) {
      json.append(",\"").append(r.egressId()).append("\":").append(requestJson(r.request()));
    }
    return json.append('}').toString();
  }

  /** The request oneof as Go's encoding/json writes the wrapper: {"RoomComposite":{…}}. */
  private static String requestJson(StartEgressRequest request) {
    if (request == null || request.getRequestCase() == StartEgressRequest.RequestCase.REQUEST_NOT_SET) {
      return "null";
    }
    var field = request.getDescriptorForType().findFieldByNumber(request.getRequestCase().getNumber());
    String goName = toGoName(field.getName());
    try {
      String inner = JsonFormat.printer().omittingInsignificantWhitespace().print((Message) request.getField(field));
      return "{\"" + goName + "\":" + inner + "}";
    } catch (InvalidProtocolBufferException e) {
      return "{}";
    }
  }

  private static String toGoName(String snake) {
    StringBuilder b = new StringBuilder();
    for (String part : snake.split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
