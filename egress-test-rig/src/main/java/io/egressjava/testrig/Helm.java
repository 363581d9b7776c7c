package io.egressjava.testrig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The helm CLI that scripts/setup.sh builds ({@code EGRESS_HELM} or PATH first). */
public final class Helm {
  private Helm() {}

  /** The result of one helm command: its exit code and what it printed (stdout, then stderr). */
  public record Result(int exit, String out, String err) {}

  /** Runs {@code helm args...} in {@code dir}. */
  public static Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ManagedProcess.findExecutable("EGRESS_HELM", "helm", LiveKitServer.toolsDir() + "/bin/helm"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
    // helm's output is small: read stderr after stdout
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("helm " + String.join(" ", args) + " did not end in 60 s");
    }
    return new Result(p.exitValue(), out, err);
  }
}
