package io.egressjava.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo, end to end (inside scripts/netns.sh): every output exists and probes as media. */
class ServerDemoNetnsIT {

  @Test
  void demoRecordsARoomComposite(@TempDir Path tmp) throws Exception {
    System.setProperty("egress.server.jar", "../egress-server/target/egress-server.jar");
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true));
    try {
      ServerDemo.main(new String[] {tmp.toString()});
    } finally {
      System.setOut(original);
    }
    String report = captured.toString();
    System.out.println(report);
    assertThat(report).contains("EGRESS_COMPLETE").contains("h264|1280|720").contains("aac").contains("mjpeg|320|180");
    try (var files = Files.list(tmp.resolve("hls"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".ts")).count()).isGreaterThanOrEqualTo(3);
    }
  }
}
