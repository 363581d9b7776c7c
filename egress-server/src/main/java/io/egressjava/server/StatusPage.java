package io.egressjava.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.core.metrics.MetricKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import livekit.LivekitEgress.EgressInfo;

/**
 * A live view of the node on {@code health_port} (the reference has its JSON only): {@code /status}
 * is a page that lists every running egress — type, room, status, running time, outputs with bytes
 * and bit rate, input per track, its handler's CPU and memory, A/V offset and its latest picture —
 * with the node's load and admission state, refreshed every 2 s from {@code /status/data} (JSON);
 * {@code /status/picture/<egress id>} is an egress's latest small JPEG. Open to loopback clients;
 * others need a LiveKit access token with {@code roomRecord} (Authorization header, or
 * {@code ?token=} so a browser can open the page).
 */
final class StatusPage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final EgressService service;
  private final CpuMonitor cpu;
  private final MemoryMonitor memory;
  private final AccessTokenVerifier tokens;
  private final Clock clock;

  /** @param cpu null when not measured (its figures are then left out); so {@code memory} */
  StatusPage(EgressService service, CpuMonitor cpu, MemoryMonitor memory, AccessTokenVerifier tokens, Clock clock) {
    this.service = service;
    this.cpu = cpu;
    this.memory = memory;
    this.tokens = tokens;
    this.clock = clock;
  }

  void register(HttpServer server) {
    server.createContext("/status", exchange -> {
      try (exchange) {
        handle(exchange);
      }
    });
  }

  private void handle(HttpExchange exchange) throws IOException {
    String refusal = refusal(exchange.getRemoteAddress().getAddress(), exchange.getRequestHeaders().getFirst("Authorization"),
        query(exchange, "token"));
    if (refusal != null) {
      StatusServer.respond(exchange, refusal.startsWith("403") ? 403 : 401, refusal.substring(4) + "\n", "text/plain");
      return;
    }
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/status") || path.equals("/status/")) {
      try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
        StatusServer.respond(exchange, 200, in.readAllBytes(), "text/html; charset=utf-8");
      }
    } else if (path.equals("/status/data")) {
      StatusServer.respond(exchange, 200, data(), "application/json");
    } else if (path.startsWith("/status/picture/")) {
      String id = path.substring("/status/picture/".length());
      byte[] picture = service.sessions().stream().filter(s -> s.plan().egressId().equals(id)).map(EgressSession::picture)
          .filter(p -> p != null).findFirst().orElse(null);
      if (picture == null) {
        StatusServer.respond(exchange, 404, "no picture of " + id + "\n", "text/plain");
      } else {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        StatusServer.respond(exchange, 200, picture, "image/jpeg");
      }
    } else {
      StatusServer.respond(exchange, 404, "not found\n", "text/plain");
    }
  }

  /** Null when {@code remote} may see the page; else "401 why" or "403 why". */
  String refusal(InetAddress remote, String authorization, String tokenParameter) {
    if (remote.isLoopbackAddress()) {
      return null;
    }
    String auth = authorization != null ? authorization : tokenParameter != null ? "Bearer " + tokenParameter : null;
    try {
      tokens.verify(auth);
      return null;
    } catch (AccessTokenVerifier.Refused e) {
      return e.status + " " + e.getMessage() + " (the status page is open to loopback clients and to tokens with roomRecord)";
    }
  }

  private static String query(HttpExchange exchange, String name) {
    String q = exchange.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The page's data: the node, and each running egress with what its metrics say. */
  String data() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("id", service.serverId());
    node.put("running", service.activeEgressIds().size());
    node.put("availableCores", service.admission().available());
    node.put("acceptsWeb", !service.isShuttingDown() && service.admission().canAccept(service.admission().webCost()));
    node.put("terminating", service.isShuttingDown());
    Map<String, Double> cores = cpu == null ? Map.of() : cpu.usage();
    Map<String, Long> rssByEgress = memory == null ? Map.of() : memory.handlerRss();
    if (cpu != null) {
      node.put("cpuLoad", cpu.load());
    }
    if (memory != null) {
      node.put("rssBytes", memory.usedBytes());
    }
    ArrayNode egresses = root.putArray("egresses");
    long now = clock.millis();
    for (EgressSession s : service.sessions()) {
      EgressInfo info = s.info();
      ObjectNode e = egresses.addObject();
      e.put("id", info.getEgressId());
      e.put("type", s.plan().requestType().label());
      e.put("room", info.getRoomName());
      e.put("status", info.getStatus().name().replace("EGRESS_", ""));
      long started = info.getStartedAt() > 0 ? info.getStartedAt() / 1_000_000 : 0;
      e.put("runningSeconds", started > 0 ? (now - started) / 1000.0 : 0);
      putNumber(e, "cpuCores", cores.get(info.getEgressId()));
      Long rss = rssByEgress.get(info.getEgressId());
      putNumber(e, "rssBytes", rss == null ? null : rss.doubleValue());
      byte[] picture = s.picture();
      if (picture != null) {
        e.put("picture", Integer.toHexString(System.identityHashCode(picture))); // changes with each new picture
      }
      Map<String, ObjectNode> outputs = new TreeMap<>();
      Map<String, ObjectNode> inputs = new TreeMap<>();
      s.metrics().collect().getMetrics().forEach((key, metric) -> {
        MetricKey k = MetricKey.parse(key);
        Double v = EgressMetrics.valueOf(metric);
        switch (k.family()) {
          case MetricFamilies.AV_OFFSET -> putNumber(e, "avOffsetMs", v);
          case MetricFamilies.OUTPUT_BYTES -> putNumber(row(outputs, k, "output"), "bytes", v);
          case MetricFamilies.OUTPUT_BITRATE -> putNumber(row(outputs, k, "output"), "bitrateBps", v);
          case MetricFamilies.OUTPUT_FPS -> putNumber(row(outputs, k, "output"), "fps", v);
          case MetricFamilies.INPUT_BITRATE -> putNumber(row(inputs, k, "track"), "bitrateBps", v);
          case MetricFamilies.INPUT_PACKETS_LOST -> putNumber(row(inputs, k, "track"), "lost", v);
          default -> { }
        }
      });
      outputs.values().forEach(e.putArray("outputs")::add);
      inputs.values().forEach(e.putArray("inputs")::add);
    }
    return JSON.writeValueAsString(root);
  }

  private static ObjectNode row(Map<String, ObjectNode> rows, MetricKey key, String label) {
    return rows.computeIfAbsent(key.labels().getOrDefault(label, "?"), name -> {
      ObjectNode n = JSON.createObjectNode();
      n.put("name", name);
      if (key.labels().containsKey("kind")) {
        n.put("kind", key.labels().get("kind"));
      }
      return n;
    });
  }

  private static void putNumber(ObjectNode n, String field, Double v) {
    if (v != null && !v.isNaN() && !v.isInfinite()) {
      n.put(field, v);
    }
  }
}
