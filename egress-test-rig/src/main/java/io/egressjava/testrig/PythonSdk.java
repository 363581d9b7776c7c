package io.egressjava.testrig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * LiveKit's Python SDKs (livekit, livekit-api; installed by scripts/setup.sh into a venv under the
 * tools directory) and the scripts in test-fixtures/python that use them: a libwebrtc publisher and
 * an Egress API client for the v2 StartEgress, which the Kotlin SDK does not have.
 */
public final class PythonSdk {
  private PythonSdk() {}

  /** The venv's interpreter ({@code EGRESS_PYTHON} overrides). */
  public static String python() {
    return ManagedProcess.findExecutable("EGRESS_PYTHON", LiveKitServer.toolsDir() + "/py/bin/python");
  }

  /** A script of test-fixtures/python, found from the module directory tests run in. */
  public static Path script(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("test-fixtures/python").resolve(name);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("test-fixtures/python/" + name + " not found above " + Path.of("").toAbsolutePath());
  }

  /** An Egress API answer: protojson, or the Twirp error code and message. */
  public record Answer(String json, String twirpCode, String twirpMessage) {
    public boolean ok() {
      return twirpCode == null;
    }
  }

  /**
   * Calls the Egress API through livekit-api ({@code method} e.g. "start_egress", {@code request}
   * as protojson with proto field names).
   */
  public static Answer egressApi(LiveKitServer livekit, String method, String requestJson) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(python(), script("egress_client.py").toString(), "--url", livekit.httpUrl(),
        "--api-key", LiveKitServer.API_KEY, "--api-secret", LiveKitServer.API_SECRET, method, requestJson));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("egress_client.py " + method + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() == 3 && out.startsWith("TWIRP ")) {
      String[] parts = out.split(" ", 3);
      return new Answer(null, parts[1], parts.length > 2 ? parts[2] : "");
    }
    if (p.exitValue() != 0) {
      throw new IOException("egress_client.py " + method + " exited " + p.exitValue() + ": " + out);
    }
    return new Answer(out, null, null);
  }
}
