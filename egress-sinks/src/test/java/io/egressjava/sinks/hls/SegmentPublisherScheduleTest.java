package io.egressjava.sinks.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.LocalUploader;
import io.egressjava.storage.RetryPolicy;
import io.egressjava.storage.RetryingUploader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the main playlist is uploaded: every segment in hour 0, every (hours+1)-th later, at least once a minute. */
class SegmentPublisherScheduleTest {

  /** A clock the test moves. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-24T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void mainPlaylistSchedule(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    EgressStorage local = new EgressStorage(StorageConfig.LOCAL,
        new RetryingUploader(new LocalUploader(out), RetryPolicy.REFERENCE), null, null);
    List<String> uploads = new CopyOnWriteArrayList<>();
    OutputStore counting = new OutputStore() {
      @Override
      public Stored store(Path file, String storagePath, String contentType, boolean deleteLocal) {
        uploads.add(storagePath);
        return local.store(file, storagePath, contentType, deleteLocal);
      }

      @Override
      public boolean backupUsed() {
        return false;
      }
    };
    ManualClock clock = new ManualClock();
    var names = OutputNames.segments("seg", "index", "", "room", Placeholders.forRequest("room", "", 0,
        ZonedDateTime.now(ZoneOffset.UTC)), 0, ZonedDateTime.now(ZoneOffset.UTC));
    SegmentPublisher pub = new SegmentPublisher(counting, names, 4, tmp, 60, clock);
    int[] index = {0};
    Runnable next = () -> {
      try {
        int i = index[0]++;
        Path seg = Files.writeString(tmp.resolve(names.indexSegment(i)), "x" + i);
        pub.segmentReady(seg, clock.instant(), 4.0);
        io.egressjava.testrig.Ports.await(Duration.ofSeconds(5), "segment " + i, () -> pub.segmentCount() == i + 1);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    next.run();
    next.run();
    assertThat(uploads).containsExactly("seg_00000.ts", "index.m3u8", "seg_00001.ts", "index.m3u8");
    // two hours in: every third segment, unless a minute has passed since the last upload
    uploads.clear();
    clock.now = clock.now.plus(Duration.ofHours(2));
    next.run(); // more than a minute since the last upload → uploaded
    clock.now = clock.now.plusSeconds(4);
    next.run();
    clock.now = clock.now.plusSeconds(4);
    next.run();
    clock.now = clock.now.plusSeconds(4);
    next.run(); // third since the last upload → uploaded
    assertThat(uploads.stream().filter(u -> u.equals("index.m3u8")).count()).isEqualTo(2);
    assertThat(uploads).containsExactly("seg_00002.ts", "index.m3u8", "seg_00003.ts", "seg_00004.ts", "seg_00005.ts", "index.m3u8");
    pub.close();
    assertThat(uploads.get(uploads.size() - 1)).isEqualTo("index.m3u8"); // and at the end
    assertThat(Files.readString(out.resolve("index.m3u8"))).endsWith("#EXT-X-ENDLIST\n");
  }
}
