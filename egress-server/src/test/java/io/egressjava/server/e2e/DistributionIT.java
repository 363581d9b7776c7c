package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution as a user gets it: the archive unpacked outside the build tree and
 * started by its launcher with an environment that has only the system's PATH (the JDK and the
 * README's packages): it holds what it says (launcher, jar, lib/ with the GPL FFmpeg build,
 * LICENSE, NOTICE, a sample config the server loads, a systemd unit), and {@code --check} runs
 * every code path its handlers load classes on (the S3 client once failed there with
 * NoClassDefFoundError while every test on the test class path passed).
 */
class DistributionIT {

  @Test
  void unpacksAndRunsWithOnlyTheSystemsJava(@TempDir Path tmp) throws Exception {
    Path home = PackagedServer.unpack(Path.of("target").toAbsolutePath(), tmp.resolve("opt"));
    assertThat(Files.isExecutable(home.resolve("bin/egress-server"))).isTrue();
    assertThat(home.resolve("egress-server.jar")).isRegularFile();
    try (var libs = Files.list(home.resolve("lib"))) {
      assertThat(libs.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.matches("ffmpeg-.*-linux-x86_64-gpl\\.jar"));
    }
    assertThat(Files.readString(home.resolve("NOTICE"))).contains("linux-x86_64-gpl");
    assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License");
    EgressConfigLoader.Loaded sample = EgressConfigLoader.fromYaml(Files.readString(home.resolve("config/config-sample.yaml")), Map.of());
    assertThat(sample.warnings()).isEmpty();
    assertThat(sample.config().redis().address()).isEqualTo("127.0.0.1:6379");
    assertThat(Files.readString(home.resolve("systemd/egress-server.service"))).contains("ExecStart=/opt/egress-server/bin/egress-server --config");

    String out = run(home, tmp, "--check");
    System.out.println(out);
    assertThat(out).contains("ok      s3 upload", "ok      azure upload", "ok      gcp upload", "ok      alioss upload",
        "ok      local upload", "ok      ffmpeg encoders (libx264", "ok      browser driver", "runtime check passed");

    // a bad config through the launcher: the key named, exit 2, as `java -jar` gives it
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880\nredis: {address: 127.0.0.1:6379}\n"
        + "health_port: -3\n");
    Process p = launcher(home, tmp, "--config", bad.toString()).start();
    String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isEqualTo(2);
    assertThat(err).contains("health_port");
  }

  /** {@code bin/egress-server args} from a directory of its own, with nothing in its environment but the system's PATH and a home. */
  private static ProcessBuilder launcher(Path home, Path tmp, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/egress-server").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(Files.createDirectories(tmp.resolve("cwd")).toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    return pb;
  }

  private static String run(Path home, Path tmp, String... args) throws Exception {
    Process p = launcher(home, tmp, args).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
