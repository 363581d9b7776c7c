package io.egressjava.testrig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real redis-server on 127.0.0.1 (no persistence); can be restarted on the same port. */
public final class RedisServer implements AutoCloseable {
  private final int port = Ports.free();
  private final ManagedProcess process;

  /** Persists to an append-only file in a temporary directory, so a restart keeps livekit-server's store. */
  public RedisServer() {
    this("");
  }

  /** @param password what clients must AUTH with ({@code requirepass}), or "" for none */
  public RedisServer(String password) {
    this(password, List.of());
  }

  /** A replica of the Redis on {@code masterPort} (for Sentinel tests). */
  public static RedisServer replicaOf(int masterPort) {
    return new RedisServer("", List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
  }

  /** A node of a Redis Cluster (joined by {@link RedisCluster}). */
  static RedisServer clusterNode() {
    return new RedisServer("", List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
        "--cluster-node-timeout", "2000"));
  }

  private RedisServer(String password, List<String> extra) {
    String binary = ManagedProcess.findExecutable("EGRESS_REDIS_SERVER", "redis-server");
    Path dir;
    try {
      dir = Files.createTempDirectory("egress-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new java.util.ArrayList<>(List.of(binary, "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
        "--dir", dir.toString()));
    if (!password.isEmpty()) {
      command.addAll(List.of("--requirepass", password));
    }
    command.addAll(extra);
    process = new ManagedProcess("redis-" + port, command);
  }

  public RedisServer start() {
    process.start();
    Ports.await(Duration.ofSeconds(10), "redis-server on port " + port, this::pings);
    return this;
  }

  public void stop() {
    process.stop();
    Ports.await(Duration.ofSeconds(5), "redis-server to stop", () -> !Ports.accepts(port));
  }

  public void restart() {
    stop();
    start();
  }

  public int port() {
    return port;
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  private boolean pings() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      String answer = new String(buf, 0, n, StandardCharsets.US_ASCII);
      return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // up, and asking for a password
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.stop();
  }
}
