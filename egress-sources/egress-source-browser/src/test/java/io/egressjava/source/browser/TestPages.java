package io.egressjava.source.browser;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/** Serves the test pages from the classpath on 127.0.0.1 (unknown paths answer 404). */
public final class TestPages implements AutoCloseable {
  private final HttpServer server;

  public TestPages() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      try (InputStream in = TestPages.class.getResourceAsStream("/pages" + path)) {
        if (in == null || path.contains("..")) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = in.readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
