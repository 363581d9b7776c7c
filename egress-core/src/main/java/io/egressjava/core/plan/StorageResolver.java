package io.egressjava.core.plan;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.time.Duration;
import livekit.LivekitEgress;

/**
 * Where one output is stored: the output's own upload settings, else (v2) the request's storage,
 * else the server's {@code storage}, else local disk — which {@code disallow_local_storage} refuses.
 * Request-supplied providers keep the server's prefix, presign flag and S3 retry settings.
 */
final class StorageResolver {
  private final EgressConfig config;

  StorageResolver(EgressConfig config) {
    this.config = config;
  }

  /** v1 outputs: the upload config carried in the output message's {@code s3/gcp/azure/aliOSS} oneof. */
  StorageConfig resolveUpload(Message output) {
    StorageConfig.Provider provider = fromRequest(
        (LivekitEgress.S3Upload) uploadField(output, "s3"),
        (LivekitEgress.GCPUpload) uploadField(output, "gcp"),
        (LivekitEgress.AzureBlobUpload) uploadField(output, "azure"),
        (LivekitEgress.AliOSSUpload) uploadField(output, "aliOSS"));
    return provider != null ? withServerSettings(provider) : serverDefault();
  }

  private static Message uploadField(Message output, String name) {
    FieldDescriptor field = output.getDescriptorForType().findFieldByName(name);
    return field != null && output.hasField(field) ? (Message) output.getField(field) : null;
  }

  /** v2 outputs: a per-output StorageConfig (even without a provider) wins over the request's. */
  StorageConfig resolve(LivekitEgress.StorageConfig perOutput, LivekitEgress.StorageConfig perRequest) {
    LivekitEgress.StorageConfig chosen = perOutput != null ? perOutput : perRequest;
    if (chosen != null) {
      StorageConfig.Provider p = fromRequest(
          chosen.hasS3() ? chosen.getS3() : null,
          chosen.hasGcp() ? chosen.getGcp() : null,
          chosen.hasAzure() ? chosen.getAzure() : null,
          chosen.hasAliOSS() ? chosen.getAliOSS() : null);
      if (p != null) {
        return withServerSettings(p);
      }
    }
    return serverDefault();
  }

  private StorageConfig serverDefault() {
    StorageConfig server = config.storage();
    if (config.disallowLocalStorage() && (server == null || server.isLocal())) {
      throw EgressErrors.invalidInput("output");
    }
    return server != null ? server : StorageConfig.LOCAL;
  }

  private StorageConfig withServerSettings(StorageConfig.Provider provider) {
    StorageConfig server = config.storage();
    return new StorageConfig(server == null ? "" : server.prefix(), server != null && server.generatePresignedUrl(), provider);
  }

  private StorageConfig.Provider fromRequest(LivekitEgress.S3Upload s3, LivekitEgress.GCPUpload gcp,
      LivekitEgress.AzureBlobUpload azure, LivekitEgress.AliOSSUpload oss) {
    if (s3 != null) {
      return s3(s3);
    }
    if (gcp != null) {
      StorageConfig.Proxy proxy = gcp.hasProxy()
          ? new StorageConfig.Proxy(gcp.getProxy().getUrl(), gcp.getProxy().getUsername(), gcp.getProxy().getPassword())
          : null;
      return new StorageConfig.Gcp(gcp.getCredentials(), gcp.getBucket(), proxy, "");
    }
    if (azure != null) {
      return new StorageConfig.Azure(azure.getAccountName(), azure.getAccountKey(), azure.getContainerName(), "");
    }
    if (oss != null) {
      return new StorageConfig.AliOss(oss.getAccessKey(), oss.getSecret(), oss.getRegion(), oss.getEndpoint(), oss.getBucket());
    }
    return null;
  }

  private StorageConfig.S3 s3(LivekitEgress.S3Upload s3) {
    String accessKey = s3.getAccessKey();
    String secret = s3.getSecret();
    String arn = s3.getAssumeRoleArn();
    String externalId = s3.getAssumeRoleExternalId();
    var assume = config.s3AssumeRole();
    if (arn.isEmpty() && !assume.arn().isEmpty()) {
      arn = assume.arn();
      externalId = assume.externalId();
    }
    if (!arn.isEmpty() && accessKey.isEmpty()) {
      if (assume.key().isEmpty()) {
        throw new EgressException(PsrpcCode.PERMISSION_DENIED, "S3 upload using AssumeRole is disabled for this account");
      }
      accessKey = assume.key();
      secret = assume.secret();
    }
    int maxRetries = 5;
    Duration maxDelay = Duration.ofSeconds(5);
    Duration minDelay = Duration.ofMillis(100);
    if (config.storage() != null && config.storage().provider() instanceof StorageConfig.S3 server) {
      maxRetries = server.maxRetries();
      maxDelay = server.maxRetryDelay();
      minDelay = server.minRetryDelay();
    }
    StorageConfig.Proxy proxy = s3.hasProxy()
        ? new StorageConfig.Proxy(s3.getProxy().getUrl(), s3.getProxy().getUsername(), s3.getProxy().getPassword())
        : null;
    return new StorageConfig.S3(accessKey, secret, s3.getSessionToken(), arn, externalId, s3.getRegion(),
        s3.getEndpoint(), s3.getBucket(), s3.getForcePathStyle(), proxy, maxRetries, maxDelay, minDelay,
        s3.getMetadataMap(), s3.getTagging(), s3.getContentDisposition());
  }
}
