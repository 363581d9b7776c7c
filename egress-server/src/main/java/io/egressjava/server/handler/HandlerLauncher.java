package io.egressjava.server.handler;

import io.egressjava.server.JvmFootprint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts handler processes: the same Java, class path and system properties as the service, main
 * class {@link HandlerMain}; the config body goes in the environment, never on the command line
 * (where {@code ps} would show the API secret and storage keys), requests over the link.
 */
final class HandlerLauncher {
  /** sun_path holds 108 bytes; longer socket paths go under /tmp. */
  private static final int MAX_SOCKET_PATH = 100;

  /** Extra JVM options for handlers (e.g. {@code -XX:TieredStopAtLevel=1}), space-separated. */
  static final String OPTIONS_PROPERTY = "egress.handler.javaOptions";

  private final String configBody;
  private final Path workRoot;
  private final List<String> command;
  private final ClassDataArchive archive;

  HandlerLauncher(String configBody, Path workRoot) {
    this.configBody = configBody;
    this.workRoot = workRoot.toAbsolutePath();
    this.command = javaCommand();
    this.archive = ClassDataArchive.forClassPath(System.getProperty("java.class.path"));
  }

  /** Makes the handlers' class-data archive if it can be made and is missing (blocking, a few seconds). */
  void prepareArchive() {
    if (archive != null && !archive.exists()) {
      archive.train(command);
    }
  }

  /** The class-data archive's training run while it runs. */
  Optional<ProcessHandle> trainingRun() {
    return archive == null ? Optional.empty() : archive.trainingRun();
  }

  /** Where a link named {@code name} (a handler's control link, or an egress's link) listens. */
  /** Where an egress writes before upload: {@code <workRoot>/<egress id>}. */
  Path workDir(String egressId) {
    return workRoot.resolve(egressId);
  }

  Path socketPath(String name) {
    Path p = workRoot.resolve(name).resolve("handler.sock");
    return p.toString().length() <= MAX_SOCKET_PATH ? p : Path.of("/tmp", "egress-java-ipc", name + ".sock");
  }

  /** A handler with no egress yet: it connects to {@code socket} and gets its egresses over it (ASSIGN). */
  Process launch(Path socket) throws IOException {
    return builder(socket).start();
  }

  private ProcessBuilder builder(Path socket) {
    List<String> cmd = new ArrayList<>(command);
    if (archive != null && archive.exists()) {
      cmd.add(1, archive.useOption());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).inheritIO();
    pb.environment().remove("EGRESS_CONFIG_BODY");
    pb.environment().putAll(JvmFootprint.handlerEnvironment(pb.environment()));
    pb.environment().put(HandlerMain.ENV_CONFIG, configBody);
    pb.environment().put(HandlerMain.ENV_SOCKET, socket.toString());
    pb.environment().put(HandlerMain.ENV_WORK_ROOT, workRoot.toString());
    return pb;
  }

  /** java [forwarded options] -cp <class path> HandlerMain */
  private static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // properties and memory settings carry over; agents and debug ports must not (they bind ports)
      if (arg.startsWith("-D") || arg.startsWith("-Xmx") || arg.startsWith("-Xss") || arg.startsWith("--add-opens")
          || arg.startsWith("--enable-native-access")) {
        cmd.add(arg);
      }
    }
    // a few egresses per JVM at low allocation rates: a single-threaded collector keeps the footprint
    // and the GC threads small, and a small initial heap grows only as far as they need (the default,
    // 1/64 of the machine's memory, is touched by allocation before the first collection)
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xms32m");
    cmd.addAll(JvmFootprint.handlerOptions());
    String extra = System.getProperty(OPTIONS_PROPERTY, "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HandlerMain.class.getName());
    return List.copyOf(cmd);
  }
}
