package io.egressjava.server.handler;

import io.egressjava.api.rpc.StartEgressRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Starts handler processes: the same Java, class path and system properties as the service, main
 * class {@link HandlerMain}; the config body and the request go in the environment, never on the
 * command line (where {@code ps} would show the API secret and storage keys).
 */
final class HandlerLauncher {
  /** sun_path holds 108 bytes; longer socket paths go under /tmp. */
  private static final int MAX_SOCKET_PATH = 100;

  private final String configBody;
  private final Path workRoot;
  private final List<String> command;

  HandlerLauncher(String configBody, Path workRoot) {
    this.configBody = configBody;
    this.workRoot = workRoot.toAbsolutePath();
    this.command = javaCommand();
  }

  Path socketPath(String egressId) {
    Path p = workRoot.resolve(egressId).resolve("handler.sock");
    return p.toString().length() <= MAX_SOCKET_PATH ? p : Path.of("/tmp", "egress-java-ipc", egressId + ".sock");
  }

  /** A handler for this request: it travels in the environment as base64 protobuf. */
  Process launch(StartEgressRequest request, long plannedAt, Path socket) throws IOException {
    ProcessBuilder pb = builder(socket);
    pb.environment().put(HandlerMain.ENV_REQUEST, Base64.getEncoder().encodeToString(request.toByteArray()));
    pb.environment().put(HandlerMain.ENV_PLANNED_AT, Long.toString(plannedAt));
    return pb.start();
  }

  /** A spare: the same process with no request; it gets one over the socket (ASSIGN). */
  Process launchSpare(Path socket) throws IOException {
    return builder(socket).start();
  }

  private ProcessBuilder builder(Path socket) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("/").toFile()).inheritIO();
    pb.environment().remove("EGRESS_CONFIG_BODY");
    pb.environment().remove(HandlerMain.ENV_REQUEST);
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
    // one egress per JVM: a single-threaded collector keeps the footprint and the GC threads small
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HandlerMain.class.getName());
    return List.copyOf(cmd);
  }
}
