package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, on the class path it ships with ({@code target/lib}), runs every code path its
 * handlers load classes on ({@code --check}): the S3 client once failed there with
 * NoClassDefFoundError while every test on the test class path passed.
 */
class RuntimeCheckIT {

  @Test
  void thePackagedServerLoadsEverythingItRuns() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of("target/egress-server.jar").toAbsolutePath().toString(), "--check").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.println(out);
    assertThat(out).contains("ok      s3 upload", "ok      azure upload", "ok      gcp upload", "ok      alioss upload",
        "ok      local upload", "ok      ffmpeg encoders (libx264", "ok      browser driver", "runtime check passed");
    assertThat(p.exitValue()).as(out).isZero();
  }
}
