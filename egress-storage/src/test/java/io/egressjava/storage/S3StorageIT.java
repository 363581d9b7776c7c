package io.egressjava.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.errors.EgressException;
import io.egressjava.testrig.HttpErrorRelay;
import io.egressjava.testrig.S3ProxyServer;
import io.egressjava.testrig.Toxiproxy;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads to a real S3 API (s3proxy), with faults injected by a real TCP proxy (toxiproxy). */
class S3StorageIT {
  static S3ProxyServer s3;
  static Toxiproxy toxiproxy;
  static int proxiedPort;
  static MinioClient reader;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer().start();
    toxiproxy = new Toxiproxy().start();
    proxiedPort = toxiproxy.proxy("s3", s3.port());
    reader = MinioClient.builder().endpoint(s3.endpoint()).credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).build();
    for (String bucket : List.of("primary", "backup")) {
      if (!reader.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        reader.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    }
  }

  @AfterAll
  static void stop() {
    toxiproxy.close();
    s3.close();
  }

  static StorageConfig.S3 s3Config(int port, String bucket, int attempts) {
    return new StorageConfig.S3(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, "", "", "", "us-east-1",
        "http://127.0.0.1:" + port, bucket, true, null, attempts, Duration.ofMillis(200), Duration.ofMillis(50),
        Map.of("team", "media"), "env=test&kind=recording", "");
  }

  static StorageConfig storage(StorageConfig.S3 s3, String prefix) {
    return new StorageConfig(prefix, false, s3);
  }

  Path file(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path p = tmp.resolve(name);
    Files.write(p, data);
    return p;
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  static String sha256(Path p) throws Exception {
    try (InputStream in = Files.newInputStream(p)) {
      return sha256(in);
    }
  }

  static String storedSha(String bucket, String key) throws Exception {
    try (InputStream in = reader.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return sha256(in);
    }
  }

  @Test
  void uploadsByteIdenticalWithMetadataAndReferenceLocation() throws Exception {
    Path f = file("room.mp4", 3 << 20);
    String digest = sha256(f);
    RetryingUploader up = Uploaders.create(storage(s3Config(s3.port(), "primary", 5), "pre"), tmp);
    EgressStorage storage = new EgressStorage(storage(s3Config(s3.port(), "primary", 5), "pre"), up, null, null);
    OutputStore.Stored stored = storage.store(f, "rec/room.mp4", ContentTypes.of("rec/room.mp4"), true);

    assertThat(stored.storagePath()).isEqualTo("pre/rec/room.mp4");
    assertThat(stored.location()).isEqualTo(s3.endpoint() + "/primary/pre/rec/room.mp4");
    assertThat(stored.size()).isEqualTo(3 << 20);
    assertThat(storedSha("primary", "pre/rec/room.mp4")).isEqualTo(digest);
    var stat = reader.statObject(StatObjectArgs.builder().bucket("primary").object("pre/rec/room.mp4").build());
    assertThat(stat.headers().get("Content-Type")).isEqualTo("video/mp4");
    assertThat(stat.headers().get("x-amz-meta-team")).isEqualTo("media");
    assertThat(stat.headers().get("Content-Disposition")).isEqualTo("inline");
    assertThat(f).doesNotExist(); // deleted only after the durable copy
    assertThat(up.retries()).isZero();
  }

  @Test
  void virtualHostLocationFormat() {
    var conf = new StorageConfig.S3("a", "b", "", "", "", "", "", "bucket", false, null, 5, Duration.ofSeconds(5),
        Duration.ofMillis(100), Map.of(), "", "");
    assertThat(new S3Uploader(conf).location("x/y.mp4")).isEqualTo("https://bucket.s3.amazonaws.com/x/y.mp4");
  }

  @Test
  void presignedUrlDownloads() throws Exception {
    Path f = file("thumb.jpeg", 40_000);
    StorageConfig conf = new StorageConfig("", true, s3Config(s3.port(), "primary", 5));
    EgressStorage storage = new EgressStorage(conf, Uploaders.create(conf, tmp), null, null);
    OutputStore.Stored stored = storage.store(f, "img/thumb.jpeg", "image/jpeg", false);
    assertThat(stored.location()).contains("X-Amz-Signature=").contains("X-Amz-Expires=604800");
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stored.location())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readAllBytes(f));
  }

  @Test
  void serverErrorsAreRetried() throws Exception {
    try (HttpErrorRelay relay = new HttpErrorRelay(s3.port())) {
      relay.failNext(2);
      Path f = file("five-hundreds.ts", 100_000);
      RetryingUploader up = Uploaders.create(storage(s3Config(relay.port(), "primary", 5), ""), tmp);
      String location = up.upload(f, "seg/five-hundreds.ts", "video/mp2t");
      assertThat(relay.errorsSent()).isEqualTo(2);
      assertThat(up.retries()).isEqualTo(2);
      assertThat(location).endsWith("/primary/seg/five-hundreds.ts");
      assertThat(storedSha("primary", "seg/five-hundreds.ts")).isEqualTo(sha256(f));
    }
  }

  @Test
  void dropMidUploadIsRetriedAndNothingIsLost() throws Exception {
    Path f = file("dropped.mp4", 12 << 20);
    String digest = sha256(f);
    // the connection is cut after 1 MB of request bytes until the toxic is removed
    toxiproxy.toxic("s3", "cut", "limit_data", "upstream", "{\"bytes\":1000000}");
    CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS).execute(() -> toxiproxy.removeToxic("s3", "cut"));
    RetryingUploader up = Uploaders.create(storage(s3Config(proxiedPort, "primary", 8), ""), tmp);
    up.upload(f, "dropped.mp4", "video/mp4");
    assertThat(up.retries()).isGreaterThanOrEqualTo(1);
    assertThat(storedSha("primary", "dropped.mp4")).isEqualTo(digest);
  }

  @Test
  void slowResponsesStillComplete() throws Exception {
    toxiproxy.toxic("s3", "slow", "latency", "downstream", "{\"latency\":400,\"jitter\":100}");
    try {
      Path f = file("slow.ogg", 500_000);
      long start = System.nanoTime();
      RetryingUploader up = Uploaders.create(storage(s3Config(proxiedPort, "primary", 5), ""), tmp);
      up.upload(f, "slow.ogg", "audio/ogg");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
      assertThat(storedSha("primary", "slow.ogg")).isEqualTo(sha256(f));
    } finally {
      toxiproxy.removeToxic("s3", "slow");
    }
  }

  @Test
  void refusedPrimaryFallsBackToBackupForTheRestOfTheEgress() throws Exception {
    toxiproxy.enable("s3", false); // connection refused
    try {
      StorageConfig primaryConf = storage(s3Config(proxiedPort, "primary", 3), "");
      StorageConfig backupConf = storage(s3Config(s3.port(), "backup", 3), "spare");
      RetryingUploader primary = Uploaders.create(primaryConf, tmp);
      EgressStorage storage = new EgressStorage(primaryConf, primary, backupConf, Uploaders.create(backupConf, tmp));
      Path first = file("seg_00000.ts", 200_000);
      Path second = file("seg_00001.ts", 200_000);
      String d1 = sha256(first);
      String d2 = sha256(second);

      OutputStore.Stored s1 = storage.store(first, "hls/seg_00000.ts", "video/mp2t", true);
      assertThat(primary.retries()).isEqualTo(2); // 3 attempts
      assertThat(s1.backup()).isTrue();
      assertThat(storage.backupUsed()).isTrue();
      assertThat(s1.location()).isEqualTo(s3.endpoint() + "/backup/spare/hls/seg_00000.ts");

      toxiproxy.enable("s3", true); // even when the primary is back, this output stays on backup
      OutputStore.Stored s2 = storage.store(second, "hls/seg_00001.ts", "video/mp2t", true);
      assertThat(s2.backup()).isTrue();
      assertThat(primary.retries()).isEqualTo(2);
      assertThat(storedSha("backup", "spare/hls/seg_00000.ts")).isEqualTo(d1);
      assertThat(storedSha("backup", "spare/hls/seg_00001.ts")).isEqualTo(d2);
    } finally {
      toxiproxy.enable("s3", true);
    }
  }

  @Test
  void whenEveryStoreFailsTheRecordingStaysAndTheErrorSaysWhere() throws Exception {
    toxiproxy.enable("s3", false);
    try {
      StorageConfig dead = storage(s3Config(proxiedPort, "primary", 2), "");
      Path f = file("precious.mp4", 50_000);
      EgressStorage both = new EgressStorage(dead, Uploaders.create(dead, tmp), dead, Uploaders.create(dead, tmp));
      assertThatThrownBy(() -> both.store(f, "precious.mp4", "video/mp4", true))
          .isInstanceOf(EgressException.class)
          .hasMessageStartingWith("primary: ")
          .hasMessageContaining("\nbackup: ")
          .hasMessageContaining("recording kept at " + f.toAbsolutePath());
      assertThat(f).exists();

      EgressStorage noBackup = new EgressStorage(dead, Uploaders.create(dead, tmp), null, null);
      assertThatThrownBy(() -> noBackup.store(f, "precious.mp4", "video/mp4", true))
          .hasMessageStartingWith("S3 upload failed: ");
      assertThat(f).exists();
    } finally {
      toxiproxy.enable("s3", true);
    }
  }
}
