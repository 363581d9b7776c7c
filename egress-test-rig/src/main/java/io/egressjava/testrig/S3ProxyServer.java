package io.egressjava.testrig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3 API server on 127.0.0.1: s3proxy (Maven Central's jar-with-dependencies, fetched by
 * scripts/setup.sh) in its own JVM, storing objects in a temporary directory, SigV2/V4 auth on.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String VERSION = "4.1.0";
  public static final String ACCESS_KEY = "AKIDEGRESSTEST";
  public static final String SECRET_KEY = "egress-test-secret";

  private final int port = Ports.free();
  private final Path dataDir;
  private final ManagedProcess process;

  public S3ProxyServer() {
    this(true);
  }

  /** @param authenticate false accepts any request unsigned (used as the closest thing to OSS here) */
  public S3ProxyServer(boolean authenticate) {
    Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy", VERSION,
        "s3proxy-" + VERSION + "-jar-with-dependencies.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: run scripts/setup.sh");
    }
    try {
      dataDir = Files.createTempDirectory("egress-s3proxy-");
      Path props = dataDir.resolve("s3proxy.properties");
      Files.createDirectories(dataDir.resolve("blobs"));
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=" + (authenticate ? "aws-v2-or-v4" : "none"),
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          // s3proxy does not implement object tagging; it would refuse x-amz-tagging otherwise
          "s3proxy.ignore-unknown-headers=true",
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + dataDir.resolve("blobs"),
          "jclouds.identity=unused",
          "jclouds.credential=unused",
          ""));
      process = new ManagedProcess("s3proxy-" + port, List.of(javaBinary(), "-Xmx512m", "-jar", jar.toString(),
          "--properties", props.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public S3ProxyServer start() {
    process.start();
    process.awaitReady(Duration.ofSeconds(30), "s3proxy on port " + port, () -> Ports.accepts(port));
    return this;
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.stop();
  }
}
