package io.egressjava.source.browser;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the built-in room-composite layouts (module egress-templates, on the classpath under
 * /templates) on {@code template_port}, bound to the loopback address only: Chrome on this machine
 * is its only client. Any path serves the page; layout, url and token come from the query.
 */
public final class TemplateServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TemplateServer.class);
  private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css",
      "html", "text/html; charset=utf-8");
  private final HttpServer server;

  private TemplateServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on 127.0.0.1:{@code port} (0 picks a free port). */
  public static TemplateServer start(int port) {
    if (TemplateServer.class.getResource("/templates/index.html") == null) {
      throw new BrowserException("the template site is missing from the classpath (module egress-templates)");
    }
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          String path = exchange.getRequestURI().getPath();
          String file = path.endsWith(".js") || path.endsWith(".css") ? path.substring(path.lastIndexOf('/') + 1)
              : "index.html";
          try (InputStream in = TemplateServer.class.getResourceAsStream("/templates/" + file)) {
            if (in == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            byte[] body = in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        }
      });
      server.start();
      log.info("templates served on http://localhost:{}/", server.getAddress().getPort());
      return new TemplateServer(server);
    } catch (IOException e) {
      throw new BrowserException("template_port " + port + ": " + e.getMessage());
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
