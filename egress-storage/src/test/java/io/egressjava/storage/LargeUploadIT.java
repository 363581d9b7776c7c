package io.egressjava.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.testrig.S3ProxyServer;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MiB recording uploads in multipart from a JVM with a 64 MiB heap, and arrives byte-identical. */
class LargeUploadIT {
  static final long SIZE = 200L << 20;
  static final int HEAP_MB = 64;

  @Test
  void twoHundredMegabytesWithBoundedMemory(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("large.mp4");
    Random random = new Random(7);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < SIZE; written += block.length) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    String digest = S3StorageIT.sha256(file);

    try (S3ProxyServer s3 = new S3ProxyServer().start()) {
      MinioClient client = MinioClient.builder().endpoint(s3.endpoint())
          .credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).build();
      if (!client.bucketExists(BucketExistsArgs.builder().bucket("large").build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket("large").build());
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(List.of(java, "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"),
          LargeUploadMain.class.getName(), file.toString(), s3.endpoint(), "large", "big/large.mp4",
          S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
      System.out.println(output.lines().filter(l -> l.startsWith("uploaded")).findFirst().orElse(output));
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("uploaded in");
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("large").object("big/large.mp4").build())) {
        assertThat(S3StorageIT.sha256(in)).isEqualTo(digest);
      }
    }
  }
}
