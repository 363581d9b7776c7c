package io.egressjava.server.e2e;

import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * egress-server as operators start it: {@code java -jar target/egress-server.jar --config
 * config.yaml}, its libraries from {@code target/lib} (the jar's manifest class path, never the
 * test class path), each egress in a handler process. The log goes to {@code target/e2e/<name>.log}.
 */
final class PackagedServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** Two cores: every egress kind must fit (the reference reserves 4 for a room composite). */
  static final String CPU_COST = "cpu_cost: {max_cpu_utilization: 0.95, room_composite_cpu_cost: 1, web_cpu_cost: 1, "
      + "audio_room_composite_cpu_cost: 0.3, participant_cpu_cost: 0.5, track_composite_cpu_cost: 0.5, track_cpu_cost: 0.1";

  private final Process process;
  private final Path log;
  private final int healthPort;
  private final Path tmp;

  /**
   * @param storage the config's {@code storage:} section (YAML lines under it), or "" for local
   * @param extra more config lines; one with {@code cpu_cost:} replaces {@link #CPU_COST} (written
   *     {@code CPU_COST + ", more: 1}"} to add keys to it)
   */
  PackagedServer(String name, LiveKitRig rig, Path dir, String storage, String extra) throws IOException {
    this(name, rig, rig.livekit().wsUrl(), dir, storage, extra);
  }

  /** @param wsUrl where the egress joins rooms (e.g. through a proxy that can cut the signalling) */
  PackagedServer(String name, LiveKitRig rig, String wsUrl, Path dir, String storage, String extra) throws IOException {
    this.healthPort = Ports.free();
    this.tmp = Files.createDirectories(dir.resolve("tmp"));
    String config = String.join("\n",
        "api_key: " + LiveKitServer.API_KEY,
        "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + wsUrl,
        "redis: {address: " + rig.redis().address() + "}",
        "health_port: " + healthPort,
        "prometheus_port: " + Ports.free(),
        "template_port: " + Ports.free(),
        "bind_address: 127.0.0.1",
        "logging: {level: " + System.getProperty("e2e.log.level", "info") + ", json: false}",
        extra.contains("cpu_cost:") ? "" : CPU_COST + "}",
        storage.isEmpty() ? "" : "storage:\n" + storage.indent(2),
        extra,
        "");
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, config);
    Path logs = Files.createDirectories(Path.of("target", "e2e"));
    this.log = logs.resolve(name + ".log");
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", jar().toString(), "--config", file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Ports.await(Duration.ofSeconds(30), "the packaged egress-server to serve health (log: " + log + ")", () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("egress-server exited " + process.exitValue() + "; see " + log);
      }
      return health().startsWith("{\"CpuLoad\":");
    });
  }

  /** The packaged jar, next to its lib/ (built by `mvn package`). */
  static Path jar() {
    Path jar = Path.of("target", "egress-server.jar").toAbsolutePath();
    if (!Files.exists(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
      throw new IllegalStateException("run `mvn package` first: " + jar + " with its lib/ is what is tested here");
    }
    return jar;
  }

  String health() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/")).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  Path log() {
    return log;
  }

  /** Processes started by the service (handlers, and theirs: Chrome, Xvfb) that are still running. */
  List<ProcessHandle> descendants() {
    return process.descendants().filter(ProcessHandle::isAlive).toList();
  }

  /** SIGKILL of the service alone: its handlers are left running, as a crash of the service leaves them. */
  void killService() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: running egresses finish, then the service exits. */
  @Override
  public void close() {
    List<ProcessHandle> started = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    started.forEach(ProcessHandle::destroyForcibly); // a handler that outlived its service is a test failure elsewhere
  }
}
