package io.egressjava.testrig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A real toxiproxy-server (built by scripts/setup.sh with go install) on 127.0.0.1: TCP proxies in
 * front of test servers, with faults switched on and off through its HTTP API.
 */
public final class Toxiproxy implements AutoCloseable {
  private final int apiPort = Ports.free();
  private final ManagedProcess process;
  private final HttpClient http = HttpClient.newHttpClient();

  public Toxiproxy() {
    String binary = ManagedProcess.findExecutable("EGRESS_TOXIPROXY_SERVER",
        LiveKitServer.toolsDir() + "/bin/toxiproxy-server", "toxiproxy-server");
    process = new ManagedProcess("toxiproxy-" + apiPort, List.of(binary, "-host", "127.0.0.1", "-port", Integer.toString(apiPort)));
  }

  public Toxiproxy start() {
    process.start();
    process.awaitReady(Duration.ofSeconds(10), "toxiproxy API", () -> Ports.accepts(apiPort));
    return this;
  }

  /** Creates a proxy listening on a free port in front of {@code upstreamPort}; returns the port. */
  public int proxy(String name, int upstreamPort) {
    int listen = Ports.free();
    call("POST", "/proxies", "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:" + listen
        + "\",\"upstream\":\"127.0.0.1:" + upstreamPort + "\",\"enabled\":true}");
    return listen;
  }

  /** Disabled: connections are refused. */
  public void enable(String name, boolean enabled) {
    call("POST", "/proxies/" + name, "{\"enabled\":" + enabled + "}");
  }

  /** Adds a toxic, e.g. type "latency" with {@code {"latency":500}} or "limit_data" with {@code {"bytes":1000}}. */
  public void toxic(String proxy, String toxicName, String type, String stream, String attributesJson) {
    call("POST", "/proxies/" + proxy + "/toxics", "{\"name\":\"" + toxicName + "\",\"type\":\"" + type
        + "\",\"stream\":\"" + stream + "\",\"attributes\":" + attributesJson + "}");
  }

  public void removeToxic(String proxy, String toxicName) {
    call("DELETE", "/proxies/" + proxy + "/toxics/" + toxicName, null);
  }

  private void call(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException("toxiproxy " + method + " " + path + " → " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("toxiproxy API unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.stop();
  }
}
