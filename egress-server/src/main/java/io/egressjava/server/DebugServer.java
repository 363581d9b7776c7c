package io.egressjava.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.egressjava.server.handler.HandlerProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code debug_handler_port}: per running egress, from the handler process that records it,
 * <ul>
 *   <li>{@code GET /debug/<egress id>/threads}: the handler's threads and their stacks (text);
 *   <li>{@code GET /debug/<egress id>/graph}: its media graph as Graphviz DOT (source, encoders with
 *       their settings, outputs), as the Go egress's GStreamer dot files;
 *   <li>{@code GET /debug/<egress id>/jfr?seconds=N}: a Java Flight Recorder recording of the next N
 *       seconds (1–60, default 10), to open in JDK Mission Control or {@code jfr print}.
 * </ul>
 * Listens on {@code bind_address}: it shows stacks and settings, keep it off public interfaces.
 */
public final class DebugServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DebugServer.class);
  private static final long ANSWER_SLACK_MS = 10_000;
  private final HttpServer server;

  private DebugServer(HttpServer server) {
    this.server = server;
  }

  public static DebugServer start(String host, int port, Supplier<? extends Map<String, HandlerProcessRunner>> running) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
      server.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "debug-port");
        t.setDaemon(true);
        return t;
      }));
      server.createContext("/debug/", exchange -> {
        try (exchange) {
          handle(exchange, running.get());
        }
      });
      server.start();
      log.info("debug on {}:{}", host, server.getAddress().getPort());
      return new DebugServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException("debug_handler_port " + port + ": " + e.getMessage(), e);
    }
  }

  private static void handle(HttpExchange exchange, Map<String, HandlerProcessRunner> running) throws IOException {
    URI uri = exchange.getRequestURI();
    String[] parts = uri.getPath().split("/"); // "", "debug", id, what
    if (!exchange.getRequestMethod().equals("GET") || parts.length != 4) {
      StatusServer.respond(exchange, 404, "GET /debug/<egress id>/threads | graph | jfr?seconds=N\n", "text/plain");
      return;
    }
    HandlerProcessRunner runner = running.get(parts[2]);
    if (runner == null) {
      StatusServer.respond(exchange, 404, "no egress " + parts[2] + " runs here\n", "text/plain");
      return;
    }
    String question;
    long waitMs;
    String type = "text/plain; charset=utf-8";
    switch (parts[3]) {
      case "threads" -> {
        question = "threads";
        waitMs = ANSWER_SLACK_MS;
      }
      case "graph" -> {
        question = "graph";
        waitMs = ANSWER_SLACK_MS;
        type = "text/vnd.graphviz; charset=utf-8";
      }
      case "jfr" -> {
        int seconds = seconds(uri.getQuery());
        question = "jfr " + seconds;
        waitMs = seconds * 1000L + ANSWER_SLACK_MS;
        type = "application/octet-stream";
      }
      default -> {
        StatusServer.respond(exchange, 404, "unknown dump " + parts[3] + ": threads, graph or jfr\n", "text/plain");
        return;
      }
    }
    byte[] answer = runner.debug(question, waitMs);
    if (answer == null) {
      StatusServer.respond(exchange, 504, "the handler did not answer\n", "text/plain");
    } else if (new String(answer, 0, Math.min(answer.length, 7), StandardCharsets.UTF_8).equals("error: ")) {
      StatusServer.respond(exchange, 500, answer, "text/plain; charset=utf-8");
    } else {
      StatusServer.respond(exchange, 200, answer, type);
    }
  }

  private static int seconds(String query) {
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.startsWith("seconds=")) {
          try {
            return Math.max(1, Math.min(60, Integer.parseInt(kv.substring(8))));
          } catch (NumberFormatException e) {
            break;
          }
        }
      }
    }
    return 10;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
