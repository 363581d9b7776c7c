package io.egressjava.pipeline;

import io.egressjava.api.storage.OutputStore;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.SegmentWriter;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import io.egressjava.sinks.file.FileResult;
import io.egressjava.sinks.hls.SegmentPublisher;
import io.egressjava.storage.EgressStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The plan's file, HLS and image outputs on the transcode graph, each with what stores it and
 * fills in its result once the graph is closed (its finisher).
 */
final class GraphOutputs {
  /** The status page's picture: small, and a new one every few seconds of media. */
  static final int PREVIEW_WIDTH = 320;
  static final java.time.Duration PREVIEW_EVERY = java.time.Duration.ofSeconds(3);
  private final EgressContext ctx;
  private final TranscodeGraph graph;
  private final List<Runnable> finishers;

  private GraphOutputs(EgressContext ctx, TranscodeGraph graph, List<Runnable> finishers) {
    this.ctx = ctx;
    this.graph = graph;
    this.finishers = finishers;
  }

  /** Adds the outputs to {@code graph}; their finishers go to {@code finishers}. */
  static void attach(EgressContext ctx, TranscodeGraph graph, List<Runnable> finishers) {
    GraphOutputs outputs = new GraphOutputs(ctx, graph, finishers);
    outputs.addFile();
    outputs.addSegments();
    outputs.addImages();
    outputs.addPreview();
  }

  /** A small picture every few seconds for the status page (kept in the session, never stored). */
  private void addPreview() {
    var e = ctx.plan().encoding();
    if (!ctx.plan().video().enabled() || e.width() <= 0 || e.height() <= 0) {
      return;
    }
    int width = PREVIEW_WIDTH;
    int height = Math.max(2, (int) Math.round(PREVIEW_WIDTH * (double) e.height() / e.width() / 2) * 2);
    graph.addPreview(width, height, PREVIEW_EVERY, ctx.session()::picture);
  }

  private void addFile() {
    PlannedOutputs.FileOutput file = ctx.plan().file();
    if (file == null) {
      return;
    }
    Path local = ctx.workDir().resolve(StoragePaths.base(file.storagePath()));
    // the container written: OGG and MP3 as planned, everything else MP4 (its mime is the upload's content type)
    OutputType container = file.type() == OutputType.OGG || file.type() == OutputType.MP3_FILE ? file.type() : OutputType.MP4;
    graph.addFile(local, container.extension().substring(1)); // FFmpeg's format names: mp4, ogg, mp3
    FileResult result = new FileResult(local, file.storagePath(), container.mime(), ctx.journal(), 0);
    EgressStorage store = ctx.storage(file.storage());
    finishers.add(() -> {
      try (store) {
        result.store(store, ctx.maxUploadQueue(), ctx.startedNanos(), MediaDuration.nanos(local), ctx.manifest(), ctx.session());
      }
    });
  }

  private void addSegments() {
    PlannedOutputs.SegmentOutput seg = ctx.plan().segments();
    if (seg == null) {
      return;
    }
    EgressStorage store = ctx.storage(seg.storage());
    SegmentPublisher publisher = new SegmentPublisher(store, seg.names(), seg.segmentDurationSeconds(), ctx.workDir(),
        ctx.config().maxUploadQueueMinutes(), ctx.clock());
    Instant origin = ctx.clock().instant();
    graph.addSegments(new SegmentWriter(i -> ctx.workDir().resolve(seg.names().indexSegment(i)), seg.segmentDurationSeconds(),
        origin, graph.videoEncoder(), graph.audioEncoder(), (file, start, duration) -> {
          Path named = seg.timestampSuffix() ? rename(file, seg.names().timestampSegment(start.atZone(ctx.clock().getZone()))) : file;
          publisher.segmentReady(named, start, duration);
        }));
    finishers.add(() -> {
      publisher.close();
      long started = ctx.startedNanos();
      long played = publisher.duration().toNanos();
      ctx.session().update(b -> b.setSegmentResults(0, b.getSegmentResults(0).toBuilder()
          .setPlaylistLocation(publisher.playlistLocation()).setLivePlaylistLocation(publisher.livePlaylistLocation())
          .setSegmentCount(publisher.segmentCount()).setSize(publisher.size())
          .setStartedAt(started).setEndedAt(started + played).setDuration(played))
          .setBackupStorageUsed(b.getBackupStorageUsed() || store.backupUsed()));
      store.close();
    });
  }

  private static Path rename(Path file, String name) {
    try {
      return Files.move(file, file.resolveSibling(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void addImages() {
    var plan = ctx.plan();
    for (int n = 0; n < plan.images().size(); n++) {
      PlannedOutputs.ImageOutput img = plan.images().get(n);
      int index = n;
      EgressStorage store = ctx.storage(img.storage());
      AtomicInteger count = new AtomicInteger();
      int w = img.width() > 0 ? img.width() : plan.encoding().width();
      int h = img.height() > 0 ? img.height() : plan.encoding().height();
      graph.addImages(w, h, img.captureInterval(), i -> ctx.workDir().resolve(switch (img.suffix()) {
        case INDEX -> img.names().indexImage(i);
        case TIMESTAMP -> img.names().timestampImage(ctx.clock().instant().atZone(ctx.clock().getZone()));
        case NONE_OVERWRITE -> img.names().overwriteImage();
      }), file -> {
        OutputStore.Stored stored = store.store(file, StoragePaths.join(img.names().storageDir(), file.getFileName().toString()),
            OutputType.JPEG.mime(), true);
        ctx.manifest().addImage(stored.storagePath(), ctx.nowNanos(), stored.location());
        count.incrementAndGet();
      });
      finishers.add(() -> {
        long ended = ctx.nowNanos();
        ctx.session().update(b -> b.setImageResults(index, b.getImageResults(index).toBuilder()
            .setImageCount(count.get()).setStartedAt(ctx.startedNanos()).setEndedAt(ended)));
        store.close();
      });
    }
  }
}
