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

  /** {@code endpoint} is an egress-java extension (e.g. an emulator); empty means Google's. */
  public record Gcp(String credentialsJson, String bucket, Proxy proxy, String endpoint) implements Provider {
    @Override
    public String displayName() {
      return "GCP";
    }
  }

  /** {@code endpoint} is an egress-java extension (e.g. Azurite); empty means {@code https://<account>.blob.core.windows.net}. */
  public record Azure(String accountName, String accountKey, String containerName, String endpoint) implements Provider {
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
