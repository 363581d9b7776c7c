package io.egressjava.server.spool;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.core.plan.RequestType;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.Remux;
import io.egressjava.sinks.hls.HlsPlaylist;
import io.egressjava.storage.EgressStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitEgress.SegmentsInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what an egress left in its work directory when the process recording it died: each
 * file its journal lists and that was not stored yet is finalized (a fragmented MP4 rewritten with
 * its index first, a WebM given its duration and cues; OGG, MP3 and TS are whole as they are),
 * stored where the request asked (with the backup storage behind it) and reported as a file
 * result; HLS segments not stored yet are stored and the playlists written whole and ended — so a
 * killed handler costs at most the last fragment or segment, not the recording.
 */
public final class SpoolSalvage {
  private static final Logger log = LoggerFactory.getLogger(SpoolSalvage.class);

  private final EgressConfig config;
  private final Path localRoot;

  /** @param localRoot where local storage paths resolve ("/" as the handlers store them) */
  public SpoolSalvage(EgressConfig config, Path localRoot) {
    this.config = config;
    this.localRoot = localRoot;
  }

  /**
   * What was recovered: the file results (stored ones, and ones stored earlier by the egress
   * itself), whether backup storage took any, and whether nothing is left that could not be stored.
   */
  public record Salvaged(List<FileInfo> files, Optional<SegmentsInfo> segments, boolean backupUsed, boolean complete) {
    /**
     * Puts the results into {@code plan}'s EgressInfo, as the egress would have at its end (the
     * legacy {@code file} field too for a track egress, which sets it), and says in its details
     * what was recovered.
     */
    public void applyTo(EgressInfo.Builder b, EgressPlan plan) {
      if (recovered() > 0) {
        b.setDetails("recorded until its process died; " + recovered() + " output(s) recovered and stored");
      }
      if (!files.isEmpty()) {
        b.clearFileResults().addAllFileResults(files);
        if (plan.requestType() == RequestType.TRACK || b.hasFile()) {
          b.setFile(files.get(0));
        }
      }
      segments.ifPresent(seg -> {
        SegmentsInfo merged = (b.getSegmentResultsCount() > 0 ? b.getSegmentResults(0).toBuilder() : SegmentsInfo.newBuilder())
            .mergeFrom(seg).build();
        if (b.getSegmentResultsCount() > 0) {
          b.setSegmentResults(0, merged);
        } else {
          b.addSegmentResults(merged);
        }
        if (b.hasSegments()) {
          b.setSegments(merged);
        }
      });
      b.setBackupStorageUsed(b.getBackupStorageUsed() || backupUsed);
    }

    /** How many outputs were recovered. */
    public int recovered() {
      return files.size() + (segments.isPresent() ? 1 : 0);
    }
  }

  /**
   * Finalizes and stores what {@code workDir} holds for {@code plan}'s egress.
   *
   * @param startedAt when the egress started (ns since the epoch): the start of files whose own is unknown
   */
  public Salvaged salvage(EgressPlan plan, Path workDir, long startedAt) {
    SpoolJournal journal = SpoolJournal.in(workDir);
    SpoolJournal.Contents contents;
    try {
      contents = journal.read();
    } catch (IOException e) {
      log.error("spool journal of {} unreadable: {}", plan.egressId(), e.getMessage());
      return new Salvaged(List.of(), Optional.empty(), false, false);
    }
    List<FileInfo> files = new ArrayList<>();
    boolean backupUsed = false;
    boolean complete = true;
    for (SpoolJournal.SpooledFile f : contents.files()) {
      long fileStart = f.startedAtNanos() > 0 ? f.startedAtNanos() : startedAt;
      SpoolJournal.Stored stored = f.stored().orElse(null);
      if (stored == null) {
        Path local = workDir.resolve(f.localName());
        if (!hasMedia(local)) {
          log.info("egress {}: {} holds nothing to keep", plan.egressId(), local.getFileName());
          continue;
        }
        try {
          stored = store(plan, local, f);
          journal.fileStored(f.localName(), stored);
        } catch (RuntimeException e) {
          complete = false;
          log.error("egress {}: {} not stored ({}); it stays in {}", plan.egressId(), f.localName(), e.getMessage(), workDir);
          continue;
        }
      }
      backupUsed |= stored.backupUsed();
      files.add(FileInfo.newBuilder().setFilename(stored.storagePath()).setLocation(stored.location())
          .setSize(stored.size()).setStartedAt(fileStart).setEndedAt(fileStart + stored.durationNanos())
          .setDuration(stored.durationNanos()).build());
    }
    Optional<SegmentsInfo> segments = Optional.empty();
    if (plan.segments() != null && !contents.segments().isEmpty()) {
      try {
        HlsSalvage hls = salvageSegments(plan, workDir, journal, contents.segments());
        segments = Optional.of(hls.info());
        backupUsed |= hls.backupUsed();
        complete &= hls.complete();
      } catch (RuntimeException e) {
        complete = false;
        log.error("egress {}: HLS playlist not stored ({}); its segments stay in {}", plan.egressId(), e.getMessage(), workDir);
      }
    }
    return new Salvaged(files, segments, backupUsed, complete);
  }

  private record HlsSalvage(SegmentsInfo info, boolean backupUsed, boolean complete) {}

  /**
   * Stores the segments the egress did not get to store, then the playlists, listing every stored
   * segment in order and ended: what a player gets is what was recorded up to the death.
   */
  private HlsSalvage salvageSegments(EgressPlan plan, Path workDir, SpoolJournal journal,
      List<SpoolJournal.SpooledSegment> spooled) {
    PlannedOutputs.SegmentOutput out = plan.segments();
    OutputNames.SegmentNames names = out.names();
    HlsPlaylist main = HlsPlaylist.event(out.segmentDurationSeconds());
    HlsPlaylist live = names.livePlaylistFilename().isEmpty() ? null : HlsPlaylist.live(out.segmentDurationSeconds());
    int count = 0;
    long size = 0;
    double seconds = 0;
    boolean complete = true;
    List<SpoolJournal.SpooledSegment> all = new ArrayList<>(spooled);
    partialSegment(plan, workDir, spooled).ifPresent(all::add);
    try (EgressStorage store = EgressStorage.of(out.storage(), config.backup(), localRoot)) {
      for (SpoolJournal.SpooledSegment seg : all) {
        long stored = seg.size();
        if (seg.storagePath().isEmpty()) {
          Path local = workDir.resolve(seg.localName());
          if (!hasMedia(local)) {
            continue;
          }
          try {
            var s = store.store(local, StoragePaths.join(names.storageDir(), local.getFileName().toString()), "video/mp2t", true);
            journal.segmentStored(seg.localName(), s.storagePath(), s.size());
            stored = s.size();
          } catch (RuntimeException e) {
            complete = false;
            log.error("egress {}: segment {} not stored ({})", plan.egressId(), seg.localName(), e.getMessage());
            continue;
          }
        }
        Instant start = Instant.ofEpochSecond(0, seg.startNanos());
        String filename = Path.of(seg.localName()).getFileName().toString();
        main.append(start, seg.durationSeconds(), filename);
        if (live != null) {
          live.append(start, seg.durationSeconds(), filename);
        }
        count++;
        size += stored;
        seconds += seg.durationSeconds();
      }
      main.end();
      // the handler's own copies of the playlists are overwritten, then go with the upload
      String playlistLocation = main.store(store, workDir.resolve(names.playlistFilename()), names.playlistPath(), true);
      String liveLocation = "";
      if (live != null) {
        live.end();
        liveLocation = live.store(store, workDir.resolve(names.livePlaylistFilename()), names.livePlaylistPath(), true);
      }
      long started = spooled.get(0).startNanos();
      long played = Math.round(seconds * 1e9);
      log.info("egress {}: recovered HLS, {} segment(s) ({} bytes, {} ms), playlist at {}", plan.egressId(), count, size,
          played / 1_000_000, playlistLocation);
      return new HlsSalvage(SegmentsInfo.newBuilder().setPlaylistName(names.playlistPath())
          .setPlaylistLocation(playlistLocation).setLivePlaylistLocation(liveLocation).setSegmentCount(count).setSize(size)
          .setStartedAt(started).setEndedAt(started + played).setDuration(played).build(), store.backupUsed(), complete);
    }
  }

  /**
   * The segment being written when the process died (the next index, not journaled yet): kept as
   * the last segment, as long as the part on disk plays, so HLS loses no more than the files do.
   */
  private Optional<SpoolJournal.SpooledSegment> partialSegment(EgressPlan plan, Path workDir,
      List<SpoolJournal.SpooledSegment> spooled) {
    String name = plan.segments().names().indexSegment(spooled.size());
    Path local = workDir.resolve(name);
    if (!hasMedia(local)) {
      return Optional.empty();
    }
    long nanos;
    try {
      nanos = MediaDuration.nanos(local);
    } catch (RuntimeException e) {
      nanos = -1;
    }
    if (nanos <= 0) {
      log.warn("egress {}: {} does not play; it stays in {}", plan.egressId(), name, workDir);
      return Optional.empty();
    }
    SpoolJournal.SpooledSegment last = spooled.get(spooled.size() - 1);
    long start = last.startNanos() + Math.round(last.durationSeconds() * 1e9);
    return Optional.of(new SpoolJournal.SpooledSegment(name, start, nanos / 1e9, Optional.empty(), 0));
  }

  /** Finalizes one file the egress did not get to store, then stores it. */
  private SpoolJournal.Stored store(EgressPlan plan, Path local, SpoolJournal.SpooledFile f) {
    String format = format(local);
    if (Remux.finalizes(format)) {
      try {
        Remux.rewrite(local, format, null);
      } catch (RuntimeException e) {
        log.warn("egress {}: {} not finalized ({}); stored as it was written", plan.egressId(), local.getFileName(),
            e.getMessage());
      }
    }
    long played;
    try {
      played = Math.max(0, MediaDuration.nanos(local));
    } catch (RuntimeException e) {
      played = 0;
    }
    StorageConfig storage = plan.file() != null ? plan.file().storage() : StorageConfig.LOCAL;
    try (EgressStorage store = EgressStorage.of(storage, config.backup(), localRoot)) {
      var s = store.store(local, f.storagePath(), f.mime(), true);
      log.info("egress {}: recovered {} ({} bytes, {} ms) stored at {}", plan.egressId(), local.getFileName(), s.size(),
          played / 1_000_000, s.location());
      return SpoolJournal.Stored.of(s, played);
    }
  }

  /**
   * Files in a work directory that hold something (not the journal, the request or a socket; not
   * a browser's profile): after a salvage, what could not be stored and must not be deleted.
   */
  public static List<Path> leftovers(Path workDir) {
    if (!Files.isDirectory(workDir)) {
      return List.of();
    }
    try (var paths = Files.walk(workDir)) {
      return paths.filter(p -> !p.startsWith(workDir.resolve("browser")))
          .filter(p -> !Set.of(SpoolJournal.NAME, SpoolRequest.NAME, "handler.sock").contains(p.getFileName().toString()))
          .filter(SpoolSalvage::hasMedia).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of(workDir); // unreadable: kept
    }
  }

  private static boolean hasMedia(Path local) {
    try {
      return Files.isRegularFile(local) && Files.size(local) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** FFmpeg's muxer name for a file the egress wrote, from its extension. */
  static String format(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "mp4", "m4a" -> "mp4";
      case "webm" -> "webm";
      case "mkv" -> "matroska";
      case "ts" -> "mpegts";
      default -> ext; // ogg, mp3
    };
  }

}
