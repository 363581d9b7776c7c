package io.egressjava.sinks.hls;

import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.storage.StorageOutage;
import io.egressjava.core.naming.OutputNames.SegmentNames;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.spool.SpoolJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads finished HLS segments through a bounded queue, in order, and adds each to the playlists
 * only once it is stored. The live playlist is uploaded after every segment; the main playlist after
 * the first segment, then every k-th segment (k = elapsed hours + 1) or at least once a minute, and
 * at the end (protocol.md §4.12).
 *
 * <p>Storage that fails for a while (after the uploader's own retries: 5xx, 429, timeouts, refused
 * connections) does not fail the output, as it does the reference's: the segment and everything
 * after it wait, on disk, and the upload is tried again with backoff ({@link StorageOutage}: 1 s
 * doubling to 30 s) while recording goes on — until the queue of {@code max_upload_queue} minutes
 * is full, or, once the recording ended, for as long again. What is still not stored then stays on disk. Storage
 * that refuses the upload for good (denied, no such bucket) fails the output at once.
 */
public final class SegmentPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentPublisher.class);
  private static final Duration MAIN_PLAYLIST_MAX_AGE = Duration.ofMinutes(1);

  /** A finished segment file waiting for upload. */
  private record Segment(Path local, String filename, Instant start, double durationSeconds) {}

  private static final Segment END = new Segment(null, null, null, 0);

  private final OutputStore store;
  private final SegmentNames names;
  private final Path localDir;
  private final Clock clock;
  private final HlsPlaylist main;
  private final HlsPlaylist live;
  private final BlockingQueue<Segment> queue;
  private final Thread worker;
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicReference<EgressException> failure = new AtomicReference<>();
  private final Instant startedAt;
  /** Each segment ready and stored, for whoever finishes the output if this process dies. */
  private final SpoolJournal journal;
  /** After the recording ended, how long uploads that keep failing are still tried. */
  private final Duration retryAfterEnd;
  /** Set by {@link #close}: from then on, uploads are tried until this instant (System.nanoTime). */
  private volatile long giveUpAt;
  private volatile boolean closing;

  private int segmentCount;
  private long size;
  private double seconds;
  private int sinceMainUpload;
  private Instant mainUploadedAt;
  private String playlistLocation = "";
  private String livePlaylistLocation = "";

  /**
   * @param maxUploadQueueMinutes the config's {@code max_upload_queue}: the queue holds that many
   *     minutes of segments
   */
  public SegmentPublisher(OutputStore store, SegmentNames names, int segmentDurationSeconds, Path localDir,
      int maxUploadQueueMinutes, Clock clock) {
    this(store, names, segmentDurationSeconds, localDir, maxUploadQueueMinutes, Duration.ofMinutes(maxUploadQueueMinutes),
        clock);
  }

  /** @param retryAfterEnd after {@link #close}, how long failing uploads are still tried */
  public SegmentPublisher(OutputStore store, SegmentNames names, int segmentDurationSeconds, Path localDir,
      int maxUploadQueueMinutes, Duration retryAfterEnd, Clock clock) {
    this.retryAfterEnd = retryAfterEnd;
    this.journal = SpoolJournal.in(localDir);
    this.store = store;
    this.names = names;
    this.localDir = localDir;
    this.clock = clock;
    this.main = HlsPlaylist.event(segmentDurationSeconds);
    this.live = names.livePlaylistFilename().isEmpty() ? null : HlsPlaylist.live(segmentDurationSeconds);
    this.queue = new ArrayBlockingQueue<>(Math.max(1, maxUploadQueueMinutes * 60 / Math.max(1, segmentDurationSeconds)) + 1);
    this.startedAt = clock.instant();
    this.worker = new Thread(this::run, "hls-upload-" + names.playlistFilename());
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** A segment is complete on disk. Fails (without blocking the media path) when storage cannot keep up. */
  public void segmentReady(Path local, Instant start, double durationSeconds) {
    throwIfFailed();
    Segment s = new Segment(local, local.getFileName().toString(), start, durationSeconds);
    journal.segmentReady(localName(local), start.getEpochSecond() * 1_000_000_000L + start.getNano(), durationSeconds);
    if (!queue.offer(s)) {
      throw new EgressException(PsrpcCode.INTERNAL, "segment upload queue full (" + queue.size()
          + " pending): storage cannot keep up");
    }
  }

  private void run() {
    try {
      while (true) {
        Segment s = queue.take();
        if (s == END) {
          finish();
          return;
        }
        upload(s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (EgressException e) {
      failure.set(e);
      log.error("HLS output failed: {}", e.getMessage());
    } finally {
      done.countDown();
    }
  }

  private void upload(Segment s) throws InterruptedException {
    String storagePath = StoragePaths.join(names.storageDir(), s.filename());
    OutputStore.Stored stored = untilStored(s.filename(), () -> store.store(s.local(), storagePath, "video/mp2t", true));
    journal.segmentStored(localName(s.local()), stored.storagePath(), stored.size());
    // only now does the segment enter the playlists
    main.append(s.start(), s.durationSeconds(), s.filename());
    if (live != null) {
      live.append(s.start(), s.durationSeconds(), s.filename());
      livePlaylistLocation = untilStored("the live playlist", () -> publish(live, names.livePlaylistFilename()));
    }
    sinceMainUpload++;
    long hours = Duration.between(startedAt, clock.instant()).toHours();
    boolean due = mainUploadedAt == null || sinceMainUpload >= hours + 1
        || Duration.between(mainUploadedAt, clock.instant()).compareTo(MAIN_PLAYLIST_MAX_AGE) >= 0;
    if (due) {
      playlistLocation = untilStored("the playlist", () -> publish(main, names.playlistFilename()));
      sinceMainUpload = 0;
      mainUploadedAt = clock.instant();
    }
    synchronized (this) { // counted once stored and listed
      segmentCount++;
      size += stored.size();
      seconds += s.durationSeconds();
    }
  }

  private void finish() throws InterruptedException {
    main.end();
    playlistLocation = untilStored("the playlist", () -> publish(main, names.playlistFilename()));
    if (live != null) {
      live.end();
      livePlaylistLocation = untilStored("the live playlist", () -> publish(live, names.livePlaylistFilename()));
    }
  }

  /**
   * Runs an upload until it succeeds: a storage outage delays the segments, it does not lose them.
   * Gives up (throws its failure) once the recording has ended and {@code retryAfterEnd} has
   * passed, or at once when storage refuses for good.
   */
  private <T> T untilStored(String what, java.util.function.Supplier<T> upload) throws InterruptedException {
    return StorageOutage.waitOut(what, upload, () -> closing ? giveUpAt - System.nanoTime() : Long.MAX_VALUE);
  }

  private String localName(Path local) {
    return localDir.toAbsolutePath().relativize(local.toAbsolutePath()).toString();
  }

  private String publish(HlsPlaylist playlist, String filename) {
    return playlist.store(store, localDir.resolve(filename), StoragePaths.join(names.storageDir(), filename), false);
  }

  private void throwIfFailed() {
    EgressException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /**
   * Uploads what is queued, ends the playlists and uploads them; throws the failure of an upload
   * still failing {@code retryAfterEnd} from now.
   */
  @Override
  public void close() {
    giveUpAt = System.nanoTime() + retryAfterEnd.toNanos();
    closing = true;
    try {
      queue.put(END);
      long waitMs = retryAfterEnd.toMillis() + StorageOutage.MAX_BACKOFF_MS + TimeUnit.MINUTES.toMillis(10);
      if (!done.await(waitMs, TimeUnit.MILLISECONDS)) {
        throw new EgressException(PsrpcCode.INTERNAL, "segment uploads did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throwIfFailed();
  }

  public synchronized int segmentCount() {
    return segmentCount;
  }

  public synchronized long size() {
    return size;
  }

  /** How long the stored segments play, together (what the playlist lists). */
  public synchronized Duration duration() {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  public String playlistLocation() {
    return playlistLocation;
  }

  public String livePlaylistLocation() {
    return livePlaylistLocation;
  }

  public String mainPlaylistText() {
    return main.render();
  }

  public String livePlaylistText() {
    return live == null ? "" : live.render();
  }
}
