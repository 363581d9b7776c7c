package io.egressjava.testrig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of an HTTP server that answers the first N connections itself with
 * {@code 500 Internal Server Error} and relays the rest byte for byte (so signed requests stay
 * valid). Toxiproxy works at TCP level and cannot produce HTTP errors; this can. In an outage
 * ({@link #outage}) every connection is answered {@code 503 Service Unavailable}, as S3 answers
 * when it sheds load, and connections relayed before it are cut (clients keep them pooled).
 */
public final class HttpErrorRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final AtomicInteger errorsLeft = new AtomicInteger();
  private final AtomicInteger errorsSent = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean outage;
  private final java.util.Set<Socket> relayed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public HttpErrorRelay(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "http-error-relay");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The next {@code n} connections get a 500. */
  public void failNext(int n) {
    errorsLeft.set(n);
  }

  /** Starts ({@code true}) or ends an outage: meanwhile every request is answered 503. */
  public void outage(boolean on) {
    outage = on;
    if (on) {
      for (Socket s : relayed) {
        try {
          s.close();
        } catch (IOException ignored) {
          // cut
        }
      }
      relayed.clear();
    }
  }

  public int errorsSent() {
    return errorsSent.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (outage) {
          answer(client, "503 Service Unavailable", "SlowDown");
        } else if (errorsLeft.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
          answer(client, "500 Internal Server Error", "InternalError");
        } else {
          relay(client);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(Socket client, String status, String code) {
    errorsSent.incrementAndGet();
    Thread t = new Thread(() -> {
      try (client) {
        client.setSoTimeout(2000);
        InputStream in = client.getInputStream();
        byte[] buf = new byte[8192];
        in.read(buf); // consume the request head
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code>"
            + "<Message>injected by the test</Message></Error>";
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nConnection: close\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException ignored) {
        // the client may have given up
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private void relay(Socket client) throws IOException {
    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
    relayed.add(client);
    relayed.add(upstream);
    pump(client, upstream);
    pump(upstream, client);
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
        to.shutdownOutput();
      } catch (IOException e) {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closing both ends
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
