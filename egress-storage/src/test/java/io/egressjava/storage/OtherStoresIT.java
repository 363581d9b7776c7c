package io.egressjava.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.storage.UploadException;
import io.egressjava.testrig.Azurite;
import io.egressjava.testrig.FakeGcsServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.S3ProxyServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azure (Azurite), GCS (fake-gcs-server), OSS (s3proxy without auth) and local disk, all on loopback. */
class OtherStoresIT {
  static Azurite azurite;
  static FakeGcsServer gcs;
  static S3ProxyServer ossStandIn;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    azurite = new Azurite().start();
    gcs = new FakeGcsServer().start();
    ossStandIn = new S3ProxyServer(false).start();
  }

  @AfterAll
  static void stop() {
    azurite.close();
    gcs.close();
    ossStandIn.close();
  }

  Path file(String name, int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(tmp.resolve(name), data);
  }

  static StorageConfig.Azure azureConf(String endpoint) {
    return new StorageConfig.Azure(Azurite.ACCOUNT, Azurite.KEY, "recordings", endpoint);
  }

  @Test
  void azureBlocksArriveByteIdentical() throws Exception {
    BlobContainerClient container = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
        .credential(new StorageSharedKeyCredential(Azurite.ACCOUNT, Azurite.KEY)).buildClient()
        .getBlobContainerClient("recordings");
    container.createIfNotExists();
    Path f = file("room.mp4", 9 << 20); // three 4 MiB blocks
    AzureUploader up = new AzureUploader(azureConf(azurite.endpoint()));
    String location = up.upload(f, "rooms/room.mp4", "video/mp4");
    assertThat(location).isEqualTo(azurite.endpoint() + "/recordings/rooms/room.mp4");
    try (InputStream in = container.getBlobClient("rooms/room.mp4").openInputStream()) {
      assertThat(S3StorageIT.sha256(in)).isEqualTo(S3StorageIT.sha256(f));
    }
    assertThat(container.getBlobClient("rooms/room.mp4").getProperties().getContentType()).isEqualTo("video/mp4");
    // a SAS URL downloads without credentials
    String sas = up.presign("rooms/room.mp4", java.time.Duration.ofDays(7));
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sas)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readAllBytes(f));
    assertThat(new AzureUploader(azureConf("")).name()).isEqualTo("Azure");
  }

  @Test
  void gcsResumableUploadArrivesByteIdentical() throws Exception {
    Storage client = StorageOptions.newBuilder().setHost(gcs.endpoint()).setProjectId("egress-java")
        .setCredentials(NoCredentials.getInstance()).build().getService();
    if (client.get("gcs-bucket") == null) {
      client.create(BucketInfo.of("gcs-bucket"));
    }
    Path f = file("seg.ts", 9 << 20);
    GcpUploader up = new GcpUploader(new StorageConfig.Gcp("", "gcs-bucket", null, gcs.endpoint()));
    String location = up.upload(f, "hls/seg_00000.ts", "video/mp2t");
    assertThat(location).isEqualTo("https://gcs-bucket.storage.googleapis.com/hls/seg_00000.ts");
    assertThat(client.readAllBytes(BlobId.of("gcs-bucket", "hls/seg_00000.ts"))).isEqualTo(Files.readAllBytes(f));
    // (content type not checked: fake-gcs-server takes it from the upload PUT, not the resumable session)
  }

  @Test
  void ossUploadArrivesByteIdentical() throws Exception {
    ClientBuilderConfiguration c = new ClientBuilderConfiguration();
    c.setSLDEnabled(true);
    OSS reader = new OSSClientBuilder().build(ossStandIn.endpoint(), "any", "any", c);
    if (!reader.doesBucketExist("oss-bucket")) {
      reader.createBucket("oss-bucket");
    }
    Path f = file("talk.ogg", 17 << 20);
    AliOssUploader up = new AliOssUploader(new StorageConfig.AliOss("any", "any", "", ossStandIn.endpoint(), "oss-bucket"));
    String location = up.upload(f, "audio/talk.ogg", "audio/ogg");
    assertThat(location).isEqualTo("https://oss-bucket.127.0.0.1:" + ossStandIn.port() + "/audio/talk.ogg");
    try (InputStream in = reader.getObject("oss-bucket", "audio/talk.ogg").getObjectContent()) {
      assertThat(S3StorageIT.sha256(in)).isEqualTo(S3StorageIT.sha256(f));
    }
    reader.shutdown();
  }

  @Test
  void localCopiesStayUnderTheRoot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("out"));
    Path f = file("local.mp4", 100_000);
    LocalUploader up = new LocalUploader(root);
    assertThat(up.upload(f, "/rec/local.mp4", "video/mp4")).isEqualTo(root.resolve("rec/local.mp4").toString());
    assertThat(up.upload(f, "../../escape.mp4", "video/mp4")).isEqualTo(root.resolve("escape.mp4").toString());
    assertThat(Files.readAllBytes(root.resolve("rec/local.mp4"))).isEqualTo(Files.readAllBytes(f));
  }

  @Test
  void backupAcrossProviders() throws Exception {
    // Azure at a port where nothing listens → refused; the backup is GCS
    Storage client = StorageOptions.newBuilder().setHost(gcs.endpoint()).setProjectId("egress-java")
        .setCredentials(NoCredentials.getInstance()).build().getService();
    if (client.get("backup-bucket") == null) {
      client.create(BucketInfo.of("backup-bucket"));
    }
    StorageConfig primaryConf = new StorageConfig("", false, azureConf("http://127.0.0.1:" + Ports.free() + "/" + Azurite.ACCOUNT));
    StorageConfig backupConf = new StorageConfig("b", false, new StorageConfig.Gcp("", "backup-bucket", null, gcs.endpoint()));
    RetryingUploader primary = Uploaders.create(primaryConf, tmp);
    EgressStorage storage = new EgressStorage(primaryConf, primary, backupConf, Uploaders.create(backupConf, tmp));
    Path f = file("fallback.mp4", 300_000);
    byte[] content = Files.readAllBytes(f);
    OutputStore.Stored stored = storage.store(f, "fallback.mp4", "video/mp4", true);
    assertThat(stored.backup()).isTrue();
    assertThat(primary.retries()).isEqualTo(4); // 5 attempts
    assertThat(stored.location()).isEqualTo("https://backup-bucket.storage.googleapis.com/b/fallback.mp4");
    assertThat(client.readAllBytes(BlobId.of("backup-bucket", "b/fallback.mp4"))).isEqualTo(content);
    assertThat(f).doesNotExist();
  }

  @Test
  void wrongCredentialsAreNotRetried() throws Exception {
    StorageConfig.Azure bad = new StorageConfig.Azure(Azurite.ACCOUNT, "d3Jvbmcta2V5", "recordings", azurite.endpoint());
    RetryingUploader up = new RetryingUploader(new AzureUploader(bad), RetryPolicy.REFERENCE);
    Path f = file("denied.mp4", 1000);
    assertThatThrownBy(() -> up.upload(f, "denied.mp4", "video/mp4"))
        .isInstanceOf(UploadException.class)
        .satisfies(e -> assertThat(((UploadException) e).httpStatus()).isEqualTo(403));
    assertThat(up.retries()).isZero();
  }
}
