package io.egressjava.testrig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A real livekit-server (built by scripts/setup.sh with {@code go install}) in dev mode on
 * 127.0.0.1 with free ports, using the given Redis so that it dispatches egress requests.
 */
public final class LiveKitServer implements AutoCloseable {
  public static final String API_KEY = "devkey";
  public static final String API_SECRET = "secret";
  /** The version scripts/setup.sh installs. */
  public static final String VERSION = "1.13.5";

  private final int httpPort = Ports.free();
  private final int rtcTcpPort = Ports.free();
  private final int rtcUdpPort = Ports.free();
  private final ManagedProcess process;

  /**
   * The address media flows on. Inside the test network namespace (scripts/netns.sh) it is the
   * namespace's own veth address, because pion skips loopback when gathering ICE candidates.
   */
  public static String nodeIp() {
    String ip = System.getenv("EGRESS_TEST_NODE_IP");
    return ip == null || ip.isBlank() ? "127.0.0.1" : ip;
  }

  public LiveKitServer(String redisAddress) {
    this(redisAddress, "");
  }

  /** @param redisSection more lines of its {@code redis:} section (e.g. "password: x\ndb: 2"), or "" */
  public LiveKitServer(String redisAddress, String redisSection) {
    String binary = ManagedProcess.findExecutable("EGRESS_LIVEKIT_SERVER", "livekit-server",
        toolsDir() + "/bin/livekit-server");
    String config = String.join("\n",
        "port: " + httpPort,
        "bind_addresses: [127.0.0.1" + (nodeIp().equals("127.0.0.1") ? "" : ", " + nodeIp()) + "]",
        "rtc:",
        "  tcp_port: " + rtcTcpPort,
        "  udp_port: " + rtcUdpPort,
        "  use_external_ip: false",
        "  enable_loopback_candidate: true",
        "redis:",
        "  address: " + redisAddress,
        redisSection.isEmpty() ? "" : redisSection.indent(2).stripTrailing(),
        "keys:",
        "  " + API_KEY + ": " + API_SECRET,
        "logging:",
        "  pion_level: " + System.getenv().getOrDefault("EGRESS_TEST_LIVEKIT_LOG_LEVEL", "error"),
        "  level: " + System.getenv().getOrDefault("EGRESS_TEST_LIVEKIT_LOG_LEVEL", "info"),
        "");
    process = new ManagedProcess("livekit-" + httpPort, List.of(binary, "--dev", "--node-ip", nodeIp(),
        "--config-body", config));
  }

  /** Where scripts/setup.sh keeps Go tools ({@code EGRESS_TOOLS_DIR}, default ~/.cache/egress-java). */
  static String toolsDir() {
    String dir = System.getenv("EGRESS_TOOLS_DIR");
    return dir != null && !dir.isBlank() ? dir : System.getProperty("user.home") + "/.cache/egress-java";
  }

  public LiveKitServer start() {
    process.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    Ports.await(Duration.ofSeconds(30), "livekit-server on port " + httpPort + " (log: " + process.log() + ")", () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("livekit-server exited; see " + process.log());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpUrl())).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    return this;
  }

  /** SIGKILL (a crash); {@link #start} brings it back on the same ports and Redis. */
  public void kill() {
    process.kill();
  }

  /** The server's single UDP port for WebRTC media (rtc.udp_port). */
  public int rtcUdpPort() {
    return rtcUdpPort;
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + httpPort;
  }

  @Override
  public void close() {
    process.stop();
  }
}
