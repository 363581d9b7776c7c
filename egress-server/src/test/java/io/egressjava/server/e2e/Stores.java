package io.egressjava.server.e2e;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.egressjava.testrig.Azurite;
import io.egressjava.testrig.FakeGcsServer;
import io.egressjava.testrig.S3ProxyServer;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import livekit.LivekitEgress;

/**
 * The storage servers users record to, on loopback: S3 (s3proxy, with signed requests), Azure Blob
 * (Azurite) and GCS (fake-gcs-server), each with a bucket (container) named {@value #BUCKET}.
 * Results are read back by the location EgressInfo reports, as a user would fetch them.
 */
final class Stores implements AutoCloseable {
  static final String BUCKET = "recordings";

  private final S3ProxyServer s3 = new S3ProxyServer().start();
  private final Azurite azurite = new Azurite().start();
  private final FakeGcsServer gcs = new FakeGcsServer().start();
  private final MinioClient s3Reader;
  private final BlobContainerClient azureReader;
  private final Storage gcsReader;

  Stores() throws Exception {
    s3Reader = MinioClient.builder().endpoint(s3.endpoint()).credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)
        .build();
    if (!s3Reader.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
      s3Reader.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
    }
    azureReader = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
        .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient().getBlobContainerClient(BUCKET);
    azureReader.createIfNotExists();
    gcsReader = StorageOptions.newBuilder().setHost(gcs.endpoint()).setProjectId("egress-java")
        .setCredentials(NoCredentials.getInstance()).build().getService();
    if (gcsReader.get(BUCKET) == null) {
      gcsReader.create(BucketInfo.of(BUCKET));
    }
  }

  /** A request's own S3 upload settings (what broke in the packaged server: the S3 client's HTTP classes). */
  LivekitEgress.S3Upload s3Upload() {
    return LivekitEgress.S3Upload.newBuilder().setAccessKey(S3ProxyServer.ACCESS_KEY).setSecret(S3ProxyServer.SECRET_KEY)
        .setEndpoint(s3.endpoint()).setBucket(BUCKET).setRegion("us-east-1").setForcePathStyle(true).build();
  }

  /** The S3 server's port (to put a fault-injecting relay in front of it). */
  int s3Port() {
    return s3.port();
  }

  /** A request's own S3 upload settings, through whatever listens on {@code port} (a relay to the S3 server). */
  LivekitEgress.S3Upload s3UploadVia(int port) {
    return s3Upload().toBuilder().setEndpoint("http://127.0.0.1:" + port).build();
  }

  /** An object of the S3 bucket, read directly from the server. */
  byte[] s3Object(String key) throws Exception {
    try (InputStream in = s3Reader.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
      return in.readAllBytes();
    }
  }

  /** The config file's {@code storage:} section for Azure (Azurite). */
  String azureYaml() {
    return "azure: {account_name: " + Azurite.ACCOUNT + ", account_key: '" + Azurite.KEY + "', container_name: " + BUCKET
        + ", endpoint: '" + azurite.endpoint() + "'}";
  }

  /** The config file's {@code storage:} section for GCS (fake-gcs-server). */
  String gcpYaml() {
    return "gcp: {bucket: " + BUCKET + ", endpoint: '" + gcs.endpoint() + "'}";
  }

  /** Downloads what a reported location points at (S3, Azure, GCS, or a local path) into {@code dir}. */
  Path fetch(String location, Path dir) throws Exception {
    Files.createDirectories(dir);
    Path target = dir.resolve(location.substring(location.lastIndexOf('/') + 1));
    String s3Prefix = s3.endpoint() + "/" + BUCKET + "/";
    String azurePrefix = azurite.endpoint() + "/" + BUCKET + "/";
    String gcsPrefix = "https://" + BUCKET + ".storage.googleapis.com/";
    if (location.startsWith(s3Prefix)) {
      try (InputStream in = s3Reader.getObject(GetObjectArgs.builder().bucket(BUCKET)
          .object(location.substring(s3Prefix.length())).build())) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } else if (location.startsWith(azurePrefix)) {
      try (InputStream in = azureReader.getBlobClient(location.substring(azurePrefix.length())).openInputStream()) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } else if (location.startsWith(gcsPrefix)) {
      Files.write(target, gcsReader.readAllBytes(BlobId.of(BUCKET, location.substring(gcsPrefix.length()))));
    } else if (location.startsWith("/")) {
      Files.copy(Path.of(location), target, StandardCopyOption.REPLACE_EXISTING);
    } else {
      throw new AssertionError("a location none of the test stores has: " + location);
    }
    return target;
  }

  @Override
  public void close() {
    s3.close();
    azurite.close();
    gcs.close();
  }
}
