package io.egressjava.testrig;

import java.time.Duration;
import java.util.List;

/** fake-gcs-server (built by scripts/setup.sh with go install): the GCS JSON and upload API on 127.0.0.1, in memory. */
public final class FakeGcsServer implements AutoCloseable {
  private final int port = Ports.free();
  private final ManagedProcess process;

  public FakeGcsServer() {
    String binary = ManagedProcess.findExecutable("EGRESS_FAKE_GCS_SERVER", LiveKitServer.toolsDir() + "/bin/fake-gcs-server",
        "fake-gcs-server");
    process = new ManagedProcess("fake-gcs-" + port, List.of(binary, "-scheme", "http", "-host", "127.0.0.1",
        "-port", Integer.toString(port), "-backend", "memory", "-public-host", "127.0.0.1:" + port,
        "-external-url", endpoint()));
  }

  public FakeGcsServer start() {
    process.start();
    process.awaitReady(Duration.ofSeconds(15), "fake-gcs-server on port " + port, () -> Ports.accepts(port));
    return this;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.stop();
  }
}
