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
 * egress-server as operators start it: the server distribution that {@code mvn package} builds
 * ({@code target/egress-server-<version>-dist.tar.gz}), unpacked, started by its
 * {@code bin/egress-server --config config.yaml} (its libraries from the archive's {@code lib/},
 * never the test class path), each egress in a handler process. The log goes to
 * {@code target/e2e/<name>.log}.
 *
 * <p>Closing it checks that nothing is left behind (the reliability issue's bar for every test
 * that runs it): no PulseAudio sink of an egress that has ended, no process that names the
 * server's directory once the service has exited (handlers, Chrome, Xvfb, the PulseAudio daemon,
 * which detaches from it), and no egress directory in the spool. Not after {@link #killService}:
 * the restart that follows a crash owns what it left.
 */
final class PackagedServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** Two cores: every egress kind must fit (the reference reserves 4 for a room composite). */
  static final String CPU_COST = "cpu_cost: {max_cpu_utilization: 0.95, room_composite_cpu_cost: 1, web_cpu_cost: 1, "
      + "audio_room_composite_cpu_cost: 0.3, participant_cpu_cost: 0.5, track_composite_cpu_cost: 0.5, track_cpu_cost: 0.1";

  private final Process process;
  private final Path log;
  private final int healthPort;
  private final int metricsPort;
  private final Path tmp;
  private final Path dir;
  private final Path spool;
  private boolean killed;

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
    this.metricsPort = Ports.free();
    this.tmp = Files.createDirectories(dir.resolve("tmp"));
    this.dir = dir.toAbsolutePath();
    java.util.regex.Matcher tmpDir = java.util.regex.Pattern.compile("(?m)^tmp_dir: (\\S+)$").matcher(extra);
    this.spool = tmpDir.find() ? Path.of(tmpDir.group(1)) : tmp.resolve("egress-java");
    String config = String.join("\n",
        "api_key: " + LiveKitServer.API_KEY,
        "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + wsUrl,
        "redis: {address: " + rig.redis().address() + "}",
        "health_port: " + healthPort,
        "prometheus_port: " + metricsPort,
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
    ProcessBuilder pb = new ProcessBuilder(distribution().resolve("bin").resolve("egress-server").toString(),
        "--config", file.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("EGRESS_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    process = pb.start();
    Ports.await(Duration.ofSeconds(30), "the packaged egress-server to serve health (log: " + log + ")", () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("egress-server exited " + process.exitValue() + "; see " + log);
      }
      return health().startsWith("{\"CpuLoad\":");
    });
  }

  private static Path unpacked;

  /** The server distribution built by `mvn package`, unpacked under target/dist once per test JVM: its home. */
  static synchronized Path distribution() throws IOException {
    if (unpacked == null) {
      unpacked = unpack(Path.of("target").toAbsolutePath(), Path.of("target", "dist").toAbsolutePath());
    }
    return unpacked;
  }

  /** Unpacks the distribution archive found in {@code target} into {@code into} (emptied first); returns its home. */
  static Path unpack(Path target, Path into) throws IOException {
    Path archive;
    try (var files = Files.list(target)) {
      archive = files.filter(f -> f.getFileName().toString().matches("egress-server-.*-dist\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new IllegalStateException("run `mvn package` first: the distribution archive in " + target
              + " is what is tested here"));
    }
    if (Files.exists(into)) {
      io.egressjava.core.files.FileTrees.delete(into);
    }
    Files.createDirectories(into);
    try {
      Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
      if (tar.waitFor() != 0) {
        throw new IOException("tar -xzf " + archive + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String name = archive.getFileName().toString();
    return into.resolve(name.substring(0, name.length() - "-dist.tar.gz".length()));
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

  /** What the server's prometheus_port answers. */
  String metrics() throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  Path log() {
    return log;
  }

  /** The log lines naming an egress (its handler's lines included): what a failed check prints beside its figures. */
  String logOf(String egressId) {
    try (var lines = Files.lines(log)) {
      return String.join("\n", lines.filter(l -> l.contains(egressId)).toList());
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Processes started by the service (handlers, and theirs: Chrome, Xvfb) that are still running. */
  List<ProcessHandle> descendants() {
    return process.descendants().filter(ProcessHandle::isAlive).toList();
  }

  /** SIGKILL of the service alone: its handlers are left running, as a crash of the service leaves them. */
  void killService() throws InterruptedException {
    killed = true;
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: running egresses finish, then the service exits. */
  @Override
  public void close() {
    List<ProcessHandle> started = process.descendants().toList();
    List<String> sinks = killed ? List.of() : sinksOfEndedEgresses();
    process.destroy();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (killed) {
      started.forEach(ProcessHandle::destroyForcibly);
      return;
    }
    List<String> processes = new java.util.ArrayList<>();
    try {
      Ports.await(Duration.ofSeconds(10), "", () -> leftBehind().isEmpty());
    } catch (RuntimeException e) {
      for (ProcessHandle p : leftBehind()) {
        processes.add(p.pid() + " " + p.info().command().orElse("?"));
        p.destroyForcibly();
      }
    }
    started.forEach(ProcessHandle::destroyForcibly);
    List<String> dirs = egressDirsInSpool();
    if (!sinks.isEmpty() || !processes.isEmpty() || !dirs.isEmpty()) {
      throw new AssertionError("left behind by " + log + ": sinks of ended egresses " + sinks
          + ", processes after the service exited " + processes + ", egress directories in " + spool + " " + dirs);
    }
  }

  /** Processes of any parent whose command line or environment names the server's directory. */
  private List<ProcessHandle> leftBehind() {
    byte[] mark = (dir + "/").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid() && p.isAlive())
        .filter(p -> contains(read("/proc/" + p.pid() + "/cmdline"), mark) || contains(read("/proc/" + p.pid() + "/environ"), mark))
        .toList();
  }

  private static byte[] read(String file) {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      return new byte[0]; // gone meanwhile
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private List<String> egressDirsInSpool() {
    try (var dirs = Files.list(spool)) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith("EG_")).sorted().toList();
    } catch (IOException e) {
      return List.of(); // no spool: nothing recorded
    }
  }

  /** PulseAudio sinks the egresses made whose egress has ended (its spool directory is gone). */
  private List<String> sinksOfEndedEgresses() {
    List<Path> sockets;
    try (var files = Files.walk(spool, 6)) {
      sockets = files.filter(f -> f.endsWith(Path.of("pulse", "native"))).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
    List<String> left = new java.util.ArrayList<>();
    for (Path socket : sockets) {
      try {
        Process p = new ProcessBuilder("pactl", "--server=unix:" + socket, "list", "short", "sinks").redirectErrorStream(true)
            .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
          String[] f = line.split("\t");
          if (f.length > 1 && f[1].startsWith("egressjava_EG_") && !Files.exists(spool.resolve(f[1].substring("egressjava_".length())))) {
            left.add(f[1]);
          }
        }
      } catch (IOException e) {
        return List.of(); // no pactl: no PulseAudio either
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return left;
  }

  /** Where the health JSON and the control endpoint answer. */
  int healthPort() {
    return healthPort;
  }
}
