package io.egressjava.testrig;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A participant on LiveKit's Python SDK (libwebrtc inside, test-fixtures/python/publish.py): a
 * camera and a microphone on one clock, a white flash and a beep together once a second, every
 * frame different. Must run where WebRTC may run (the test network namespace).
 */
public final class PythonPublisher implements AutoCloseable {
  private final ManagedProcess process;

  private PythonPublisher(ManagedProcess process) {
    this.process = process;
  }

  /**
   * Joins {@code room} as {@code identity}; {@code flags} are publish.py's (e.g. {@code --video
   * 1280x720 --codec h264 --beep-hz 440}). Returns once both tracks are published.
   */
  public static PythonPublisher start(LiveKitServer livekit, String room, String identity, String... flags) {
    List<String> cmd = new ArrayList<>(List.of(PythonSdk.python(), "-u", PythonSdk.script("publish.py").toString(),
        "--url", livekit.wsUrl(), "--api-key", LiveKitServer.API_KEY, "--api-secret", LiveKitServer.API_SECRET,
        "--room", room, "--identity", identity));
    cmd.addAll(List.of(flags));
    ManagedProcess p = new ManagedProcess("py-publisher-" + identity + "-" + System.currentTimeMillis(), cmd);
    p.start();
    Ports.await(Duration.ofSeconds(30), identity + " to publish (log: " + p.log() + ")", () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("publisher " + identity + " exited; see " + p.log());
      }
      try {
        return Files.readString(p.log()).contains("PUBLISHING");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    return new PythonPublisher(p);
  }

  /** What it printed so far (FLASH, BEEP and, with --counter, SECOND lines). */
  public String output() throws java.io.IOException {
    return Files.readString(process.log());
  }

  /** Leaves the room. */
  @Override
  public void close() {
    process.stop();
  }
}
