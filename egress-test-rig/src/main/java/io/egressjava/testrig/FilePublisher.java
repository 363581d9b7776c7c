package io.egressjava.testrig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A room participant publishing pre-encoded files (IVF VP8/VP9, OGG Opus, Annex-B H.264) through the
 * LiveKit Go SDK and pion (test-fixtures/publisher, built by scripts/setup.sh): a publisher whose
 * WebRTC stack is not ours. Must run where WebRTC may run (the test network namespace).
 */
public final class FilePublisher implements AutoCloseable {
  private final ManagedProcess process;

  private FilePublisher(ManagedProcess process) {
    this.process = process;
  }

  /** Joins {@code room} as {@code identity} and publishes {@code files}; returns once they are published. */
  public static FilePublisher start(LiveKitServer livekit, String room, String identity, boolean screenShare, Path... files) {
    return start(livekit, room, identity, screenShare, List.of(), files);
  }

  /** Publishes one VP8 simulcast track whose layers are three IVF files, largest first. */
  public static FilePublisher startSimulcast(LiveKitServer livekit, String room, String identity, Path high, Path medium,
      Path low) {
    return start(livekit, room, identity, false, List.of("-simulcast", high + "," + medium + "," + low));
  }

  /**
   * With publisher flags, e.g. {@code -late file.ogg -late-after 3s} (publish later) or
   * {@code -mute-from 2s -mute-until 4s} (mute every track for a while).
   */
  public static FilePublisher start(LiveKitServer livekit, String room, String identity, boolean screenShare,
      List<String> extra, Path... files) {
    String binary = ManagedProcess.findExecutable("EGRESS_LK_PUBLISHER", LiveKitServer.toolsDir() + "/bin/lk-publisher");
    List<String> cmd = new ArrayList<>(List.of(binary, "-url", livekit.wsUrl(), "-api-key", LiveKitServer.API_KEY,
        "-api-secret", LiveKitServer.API_SECRET, "-room", room, "-identity", identity));
    if (screenShare) {
      cmd.add("-screenshare");
    }
    cmd.addAll(extra);
    for (Path f : files) {
      cmd.add("-publish");
      cmd.add(f.toString());
    }
    ManagedProcess p = new ManagedProcess("publisher-" + identity, cmd);
    p.start();
    FilePublisher publisher = new FilePublisher(p);
    Ports.await(Duration.ofSeconds(20), identity + " to publish (log: " + p.log() + ")", () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("publisher " + identity + " exited; see " + p.log());
      }
      try {
        return Files.readString(p.log()).contains("PUBLISHING");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    return publisher;
  }

  /** Leaves the room (the participant disconnects). */
  @Override
  public void close() {
    process.stop();
  }
}
