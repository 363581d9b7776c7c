package io.egressjava.testrig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real SRT listener: Debian's srt-live-transmit on 127.0.0.1, writing the MPEG-TS it receives to a file.
 */
public final class SrtReceiver implements AutoCloseable {
  private final int port;
  private final Path output;
  private final ManagedProcess process;

  public SrtReceiver() {
    port = freeUdpPort();
    String binary = ManagedProcess.findExecutable("EGRESS_SRT_LIVE_TRANSMIT", "/usr/bin/srt-live-transmit", "srt-live-transmit");
    try {
      output = Files.createTempDirectory("egress-srt-").resolve("received.ts");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = new ManagedProcess("srt-" + port, List.of("/bin/sh", "-c",
        binary + " -q 'srt://127.0.0.1:" + port + "?mode=listener' file://con > '" + output + "'"));
  }

  static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public SrtReceiver start() {
    process.start();
    try {
      Thread.sleep(300); // srt-live-transmit binds at once; there is no TCP port to poll
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  public String url() {
    return "srt://127.0.0.1:" + port + "?mode=caller";
  }

  public Path output() {
    return output;
  }

  /** Waits until the file stops growing. */
  public void awaitIdle(Duration quiet) {
    long[] last = {-1};
    Ports.await(Duration.ofSeconds(20), "SRT output to settle", () -> {
      long size = output.toFile().length();
      boolean settled = size > 0 && size == last[0];
      last[0] = size;
      if (!settled) {
        try {
          Thread.sleep(quiet.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return settled;
    });
  }

  @Override
  public void close() {
    process.stop();
  }
}
