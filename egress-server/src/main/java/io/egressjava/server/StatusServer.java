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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference's {@code health_port} and {@code prometheus_port}. Health: any path answers 200 with
 * {"CpuLoad": available cores (the reference's misnomer), "<egress id>": the request, …}. Metrics:
 * Prometheus text with the reference's {@code livekit_egress_*} names and labels.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private final HttpServer server;

  private StatusServer(HttpServer server) {
    this.server = server;
  }

  /** The health JSON, and the control endpoint under /egress/ (see {@link ControlEndpoint}). */
  public static StatusServer health(String host, int port, EgressService service, String apiKey, String apiSecret) {
    StatusServer s = start("health", host, port, () -> healthJson(service), "application/json");
    s.server.createContext("/egress/", new ControlEndpoint(service,
        new AccessTokenVerifier(apiKey, apiSecret, java.time.Clock.systemUTC())));
    return s;
  }

  public static StatusServer metrics(String host, int port, EgressService service, String nodeId, String clusterId) {
    return start("prometheus", host, port, () -> metricsText(service, nodeId, clusterId), "text/plain; version=0.0.4");
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

  static String metricsText(EgressService service, String nodeId, String clusterId) {
    String labels = "node_id=\"" + nodeId + "\",cluster_id=\"" + clusterId + "\"";
    StringBuilder t = new StringBuilder();
    List<EgressService.Running> running = service.running();
    gauge(t, "livekit_egress_available", "1 when this instance is idle", labels, running.isEmpty() ? 1 : 0);
    gauge(t, "livekit_egress_can_accept_request", "1 when a web request would be accepted now", labels,
        !service.isShuttingDown() && service.admission().canAccept(service.admission().webCost()) ? 1 : 0);
    gauge(t, "livekit_egress_is_terminating", "1 while shutting down", labels, service.isShuttingDown() ? 1 : 0);
    t.append("# HELP livekit_egress_requests running egresses by type\n# TYPE livekit_egress_requests gauge\n");
    Map<String, Long> byType = new TreeMap<>();
    for (String type : List.of("room_composite", "web", "participant", "track_composite", "track", "template", "media")) {
      byType.put(type, 0L);
    }
    running.forEach(r -> byType.merge(r.type(), 1L, Long::sum));
    byType.forEach((type, n) -> t.append("livekit_egress_requests{").append(labels).append(",type=\"").append(type)
        .append("\"} ").append(n).append('\n'));
    t.append("# HELP livekit_egress_handler_results_total finished egresses by type and result\n")
        .append("# TYPE livekit_egress_handler_results_total counter\n");
    Map<EgressService.Outcome, Long> results = new TreeMap<>(
        Comparator.comparing(EgressService.Outcome::type).thenComparing(EgressService.Outcome::result));
    results.putAll(service.results());
    results.forEach((o, n) -> t.append("livekit_egress_handler_results_total{").append(labels).append(",type=\"")
        .append(o.type()).append("\",result=\"").append(o.result()).append("\"} ").append(n).append('\n'));
    return t.toString();
  }

  private static void gauge(StringBuilder t, String name, String help, String labels, double value) {
    t.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
        .append(name).append('{').append(labels).append("} ").append(value == (long) value ? String.valueOf((long) value)
            : String.valueOf(value)).append('\n');
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
