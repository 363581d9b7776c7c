package io.egressjava.bench;

import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An egress server under measurement, started as operators start it (ours: {@code java -jar
 * egress-server.jar --config}; Go: {@code egress --config}) with a config written for the bench's
 * livekit-server and Redis; its whole process tree is measured ({@link ProcessTree}).
 */
final class BenchServer implements AutoCloseable {
  /** How one server is started: its command (the config path is appended) and environment. */
  record Kind(String name, List<String> command, Map<String, String> env) {
    /** {@code OURS_JAVA_OPTIONS} (e.g. {@code -Degress.handler.javaOptions=-XX:StartFlightRecording...}) go before -jar. */
    static Kind ours(Path jar) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      String options = System.getenv().getOrDefault("OURS_JAVA_OPTIONS", "").trim();
      if (!options.isEmpty()) {
        cmd.addAll(List.of(options.split("\\s+")));
      }
      cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--config"));
      return new Kind("ours", List.copyOf(cmd), Map.of());
    }

    static Kind go(Path binary) {
      // the service starts each egress as `egress run-handler` found on PATH
      String path = binary.toAbsolutePath().getParent() + ":" + System.getenv("PATH");
      return new Kind("go", List.of(binary.toAbsolutePath().toString(), "--config"), Map.of("PATH", path));
    }
  }

  final Process process;
  final ProcessTree tree;
  final Path log;
  final Path dir;

  /** @param cpuCost the config's {@code cpu_cost:} line */
  BenchServer(Kind kind, LiveKitServer livekit, RedisServer redis, Path dir, String cpuCost) throws IOException {
    this.dir = Files.createDirectories(dir);
    int health = Ports.free();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, String.join("\n",
        "logging: {level: info}",
        "api_key: " + LiveKitServer.API_KEY,
        "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + livekit.wsUrl(),
        "redis: {address: " + redis.address() + "}",
        "health_port: " + health,
        "prometheus_port: " + Ports.free(),
        "template_port: " + Ports.free(),
        cpuCost,
        // e.g. track_egresses_per_handler: 40, to profile one handler
        System.getenv().getOrDefault("BENCH_EXTRA_CONFIG", ""),
        ""));
    List<String> cmd = new ArrayList<>(kind.command());
    cmd.add(config.toString());
    log = dir.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(kind.env());
    pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
    process = pb.start();
    tree = new ProcessTree(process.toHandle());
    Ports.await(Duration.ofSeconds(60), kind.name() + " egress serving health (log: " + log + ")", () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(kind.name() + " egress exited; see " + log);
      }
      return Ports.accepts(health);
    });
  }

  @Override
  public void close() throws InterruptedException {
    tree.close();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
