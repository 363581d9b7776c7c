package io.egressjava.testrig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** redis-cli against a loopback port: its output, or "" when it cannot run. */
final class RedisCli {
  private RedisCli() {}

  static String run(int port, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ManagedProcess.findExecutable("EGRESS_REDIS_CLI", "redis-cli"), "-p",
        Integer.toString(port)));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
