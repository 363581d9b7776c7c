package io.egressjava.sinks.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressException;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.Uploaders;
import io.egressjava.testrig.S3ProxyServer;
import io.egressjava.testrig.Toxiproxy;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HLS segments and playlists uploaded to a real S3 API (s3proxy), with storage cut by toxiproxy. */
class HlsUploadIT {
  static S3ProxyServer s3;
  static Toxiproxy toxiproxy;
  static int proxied;
  static MinioClient reader;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer().start();
    toxiproxy = new Toxiproxy().start();
    proxied = toxiproxy.proxy("hls", s3.port());
    reader = MinioClient.builder().endpoint(s3.endpoint()).credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY).build();
    if (!reader.bucketExists(BucketExistsArgs.builder().bucket("hls").build())) {
      reader.makeBucket(MakeBucketArgs.builder().bucket("hls").build());
    }
  }

  @AfterAll
  static void stop() {
    toxiproxy.close();
    s3.close();
  }

  static StorageConfig store(int port) {
    return new StorageConfig("", false, new StorageConfig.S3(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, "", "", "",
        "us-east-1", "http://127.0.0.1:" + port, "hls", true, null, 2, Duration.ofMillis(100), Duration.ofMillis(50), Map.of(), "", ""));
  }

  static String object(String key) throws Exception {
    try (var in = reader.getObject(GetObjectArgs.builder().bucket("hls").object(key).build())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static boolean exists(String key) {
    try {
      reader.statObject(StatObjectArgs.builder().bucket("hls").object(key).build());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Segments of one test, under {@code run}/: seg_NNNNN.ts, index.m3u8 (and live.m3u8). */
  static OutputNames.SegmentNames names(String run, boolean withLivePlaylist) {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    return OutputNames.segments(run + "/seg", run + "/index", withLivePlaylist ? run + "/live" : "", "room",
        Placeholders.forRequest("room", "", 0, now), 0, now);
  }

  Path segment(OutputNames.SegmentNames names, int i) throws Exception {
    Path p = tmp.resolve(names.indexSegment(i));
    Files.createDirectories(p.getParent());
    return Files.write(p, ("segment " + i).repeat(1000).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void segmentsThenPlaylists() throws Exception {
    var names = names("run1", true);
    StorageConfig conf = store(s3.port());
    EgressStorage storage = new EgressStorage(conf, Uploaders.create(conf, tmp), null, null);
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    try (SegmentPublisher pub = new SegmentPublisher(storage, names, 4, tmp, 60, Clock.systemUTC())) {
      for (int i = 0; i < 7; i++) {
        pub.segmentReady(segment(names, i), t0.plusSeconds(4L * i), 4.0);
      }
    }
    for (int i = 0; i < 7; i++) {
      assertThat(exists("run1/" + names.indexSegment(i))).as("segment %d", i).isTrue();
    }
    String main = object("run1/index.m3u8");
    assertThat(main.lines().filter(l -> l.endsWith(".ts")).toList())
        .containsExactly("seg_00000.ts", "seg_00001.ts", "seg_00002.ts", "seg_00003.ts", "seg_00004.ts", "seg_00005.ts", "seg_00006.ts");
    assertThat(main).startsWith("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-PLAYLIST-TYPE:EVENT\n").endsWith("#EXT-X-ENDLIST\n");
    String live = object("run1/live.m3u8");
    assertThat(live).contains("#EXT-X-MEDIA-SEQUENCE:2\n").endsWith("seg_00006.ts\n#EXT-X-ENDLIST\n");
    assertThat(live.lines().filter(l -> l.endsWith(".ts")).count()).isEqualTo(5);
    assertThat(tmp.resolve(names.indexSegment(0))).doesNotExist(); // deleted after upload
  }

  /** Storage gone for a while: the segments wait on disk, in order, and none is lost or skipped. */
  @Test
  void anOutageDelaysSegmentsAndLosesNone() throws Exception {
    var names = names("run3", false);
    StorageConfig conf = store(proxied);
    EgressStorage storage = new EgressStorage(conf, Uploaders.create(conf, tmp), null, null);
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    List<Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      files.add(segment(names, i));
    }
    try (SegmentPublisher pub = new SegmentPublisher(storage, names, 4, tmp, 60, Clock.systemUTC())) {
      pub.segmentReady(files.get(0), t0, 4.0);
      io.egressjava.testrig.Ports.await(Duration.ofSeconds(10), "one segment stored", () -> pub.segmentCount() == 1);
      toxiproxy.enable("hls", false); // storage goes away
      try {
        for (int i = 1; i < 5; i++) {
          pub.segmentReady(files.get(i), t0.plusSeconds(4L * i), 4.0); // recording goes on
        }
        Thread.sleep(6_000);
        assertThat(pub.segmentCount()).as("stored while storage is away").isEqualTo(1);
        assertThat(files.subList(1, 5)).allMatch(Files::exists);
      } finally {
        toxiproxy.enable("hls", true); // and comes back
      }
    }
    assertThat(object("run3/index.m3u8").lines().filter(l -> l.endsWith(".ts")).toList())
        .containsExactly("seg_00000.ts", "seg_00001.ts", "seg_00002.ts", "seg_00003.ts", "seg_00004.ts");
    assertThat(object("run3/index.m3u8")).endsWith("#EXT-X-ENDLIST\n");
    assertThat(files).noneMatch(Files::exists); // each deleted once stored
  }

  /** Storage that refuses for good (a wrong secret: 403) fails the output at once, as the reference's does. */
  @Test
  void storageThatRefusesFailsAtOnce() throws Exception {
    var names = names("run4", false);
    StorageConfig conf = new StorageConfig("", false, new StorageConfig.S3(S3ProxyServer.ACCESS_KEY, "not-the-secret", "", "",
        "", "us-east-1", "http://127.0.0.1:" + s3.port(), "hls", true, null, 2, Duration.ofMillis(100), Duration.ofMillis(50),
        Map.of(), "", ""));
    EgressStorage storage = new EgressStorage(conf, Uploaders.create(conf, tmp), null, null);
    SegmentPublisher pub = new SegmentPublisher(storage, names, 4, tmp, 60, Clock.systemUTC());
    Path file = segment(names, 0);
    pub.segmentReady(file, Instant.parse("2026-11-24T10:00:00Z"), 4.0);
    long t0 = System.nanoTime();
    assertThatThrownBy(pub::close).isInstanceOf(EgressException.class).hasMessageContaining("S3 upload failed");
    assertThat((System.nanoTime() - t0) / 1e9).as("seconds to fail").isLessThan(10);
    assertThat(file).exists(); // nothing recorded is lost
  }

  /** Storage that stays away after the recording ended: given up after the retry budget, the segment kept. */
  @Test
  void aSegmentThatCannotBeStoredNeverEntersThePlaylist() throws Exception {
    var names = names("run2", false);
    StorageConfig conf = store(proxied);
    EgressStorage storage = new EgressStorage(conf, Uploaders.create(conf, tmp), null, null);
    SegmentPublisher pub = new SegmentPublisher(storage, names, 4, tmp, 60, Duration.ofSeconds(3), Clock.systemUTC());
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    List<Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      files.add(segment(names, i));
    }
    pub.segmentReady(files.get(0), t0, 4.0);
    pub.segmentReady(files.get(1), t0.plusSeconds(4), 4.0);
    io.egressjava.testrig.Ports.await(Duration.ofSeconds(10), "two segments stored", () -> pub.segmentCount() == 2);
    toxiproxy.enable("hls", false); // storage goes away
    try {
      pub.segmentReady(files.get(2), t0.plusSeconds(8), 4.0);
      assertThatThrownBy(pub::close).isInstanceOf(EgressException.class).hasMessageStartingWith("S3 upload failed: ");
    } finally {
      toxiproxy.enable("hls", true);
    }
    assertThat(pub.segmentCount()).isEqualTo(2);
    assertThat(pub.mainPlaylistText()).contains("seg_00001.ts").doesNotContain("seg_00002.ts");
    assertThat(object("run2/index.m3u8")).doesNotContain("seg_00002.ts");
    assertThat(files.get(2)).exists(); // nothing recorded is lost
  }
}
