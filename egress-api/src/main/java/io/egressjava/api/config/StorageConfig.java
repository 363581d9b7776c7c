package io.egressjava.api.config;

import java.time.Duration;
import java.util.Map;

/**
 * Where recordings go: one provider (or local disk when {@code provider} is null), a key prefix,
 * and whether locations are presigned URLs. Used for {@code storage}, {@code backup} and
 * {@code debug}.
 */
public record StorageConfig(String prefix, boolean generatePresignedUrl, Provider provider) {

  /** Local disk, relative to the output root. */
  public static final StorageConfig LOCAL = new StorageConfig("", false, null);

  public boolean isLocal() {
    return provider == null || provider instanceof Local;
  }

  /** A storage backend. */
  public sealed interface Provider permits S3, Gcp, Azure, AliOss, Local {
    /** The name the reference uses in "<name> upload failed" messages. */
    String displayName();
  }

  public record Proxy(String url, String username, String password) {}

  public record S3(
      String accessKey,
      String secret,
      String sessionToken,
      String assumeRoleArn,
      String assumeRoleExternalId,
      String region,
      String endpoint,
      String bucket,
      boolean forcePathStyle,
      Proxy proxy,
      int maxRetries,
      Duration maxRetryDelay,
      Duration minRetryDelay,
      Map<String, String> metadata,
      String tagging,
      String contentDisposition)
      implements Provider {
    @Override
    public String displayName() {
      return "S3";
    }
  }

  public record Gcp(String credentialsJson, String bucket, Proxy proxy) implements Provider {
    @Override
    public String displayName() {
      return "GCP";
    }
  }

  public record Azure(String accountName, String accountKey, String containerName) implements Provider {
    @Override
    public String displayName() {
      return "Azure";
    }
  }

  public record AliOss(String accessKey, String secret, String region, String endpoint, String bucket) implements Provider {
    @Override
    public String displayName() {
      return "AliOSS";
    }
  }

  /** A local directory; the legacy {@code backup_storage: /dir} form. */
  public record Local(String directory) implements Provider {
    @Override
    public String displayName() {
      return "Local";
    }
  }
}
