package io.egressjava.storage;

import io.egressjava.api.config.StorageConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Run in a child JVM with a small heap by {@link LargeUploadIT}: uploads one large file through
 * {@link S3Uploader} and prints the peak heap use, proving multipart memory stays bounded.
 * Arguments: file, endpoint, bucket, key, access key, secret.
 */
public final class LargeUploadMain {
  private LargeUploadMain() {}

  public static void main(String[] args) throws Exception {
    var conf = new StorageConfig.S3(args[4], args[5], "", "", "", "us-east-1", args[1], args[2], true, null, 5,
        Duration.ofSeconds(5), Duration.ofMillis(100), Map.of(), "", "");
    long start = System.nanoTime();
    try (S3Uploader uploader = new S3Uploader(conf)) {
      uploader.upload(Path.of(args[0]), args[3], "video/mp4");
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println("uploaded in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms, peak heap "
        + (peak >> 20) + " MiB");
  }
}
