package io.egressjava.server.track;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.storage.StorageOutage;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.PassthroughMuxer;
import io.egressjava.source.room.rtp.EncodedFrame;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.ManifestPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import livekit.LivekitEgress;
import livekit.LivekitModels;

/**
 * Track egress to a file: frames written as received into the container for the codec
 * ({@link PassthroughMuxer}), then stored like any file output, with the manifest.
 */
final class FileTrackOutput implements TrackOutput {
  private final EgressConfig config;
  private final EgressPlan plan;
  private final PlannedOutputs.FileOutput file;
  private final Path localFile;
  private final Path workDir;
  private final Path localRoot;
  private final MediaCodec codec;
  private final LivekitModels.TrackInfo track;
  private final Clock clock;
  private final Manifest manifest = new Manifest();
  private final SpoolJournal journal;
  private PassthroughMuxer muxer;
  private int muxTrack;
  private Instant startedAt;

  FileTrackOutput(EgressConfig config, EgressPlan plan, PlannedOutputs.FileOutput file, Path workDir, Path localRoot,
      MediaCodec codec, LivekitModels.TrackInfo track, Clock clock) {
    this.config = config;
    this.plan = plan;
    this.file = file;
    this.workDir = workDir;
    this.localFile = workDir.resolve(io.egressjava.core.naming.StoragePaths.base(file.storagePath()));
    this.journal = SpoolJournal.in(workDir);
    this.localRoot = localRoot;
    this.codec = codec;
    this.track = track;
    this.clock = clock;
    manifest.set("egress_id", plan.egressId()).set("room_id", plan.roomId()).set("room_name", plan.roomName());
  }

  @Override
  public void write(EncodedFrame frame, long pts) {
    if (muxer == null) {
      muxer = new PassthroughMuxer(localFile, codec);
      int[] size = FrameSize.of(codec, frame);
      muxTrack = muxer.addTrack(codec == MediaCodec.OPUS
          ? PassthroughMuxer.TrackFormat.opus(2)
          : PassthroughMuxer.TrackFormat.video(codec, size != null ? size[0] : track.getWidth(),
              size != null ? size[1] : track.getHeight()));
      startedAt = clock.instant();
      manifest.set("started_at", nanos(startedAt));
      journal.fileOpened(localFile.getFileName().toString(), file.storagePath(), file.type().mime(), nanos(startedAt));
    }
    muxer.write(muxTrack, frame.data(), pts, frame.keyFrame());
  }

  @Override
  public void finish(EgressSession session) {
    muxer.close();
    long played = MediaDuration.nanos(localFile);
    try (EgressStorage store = storage(file.storage())) {
      // an outage is waited out for up to max_upload_queue minutes (the egress stays ENDING)
      var stored = StorageOutage.waitOut(localFile.getFileName().toString(),
          () -> store.store(localFile, file.storagePath(), file.type().mime(), true),
          Duration.ofMinutes(config.maxUploadQueueMinutes()));
      journal.fileStored(localFile.getFileName().toString(), SpoolJournal.Stored.of(stored, Math.max(0, played)));
      manifest.addFile(stored.storagePath(), stored.location());
      long started = nanos(startedAt);
      long ended = started + Math.max(0, played);
      session.update(b -> {
        var info = LivekitEgress.FileInfo.newBuilder().setFilename(stored.storagePath()).setLocation(stored.location())
            .setSize(stored.size()).setStartedAt(started).setEndedAt(ended).setDuration(ended - started);
        if (b.getFileResultsCount() > 0) {
          b.setFileResults(0, info);
        } else {
          b.addFileResults(info);
        }
        b.setFile(info);
        b.setBackupStorageUsed(store.backupUsed());
      });
      manifest.set("ended_at", ended);
      if (plan.manifest() && !file.disableManifest()) {
        String location = ManifestPublisher.publish(plan, manifest, store, workDir);
        session.update(b -> b.setManifestLocation(location));
      }
    }
  }

  @Override
  public void abandon() {
    if (muxer != null) {
      muxer.close();
    }
  }

  boolean started() {
    return muxer != null;
  }

  private EgressStorage storage(StorageConfig primary) {
    return EgressStorage.of(primary, config.backup(), localRoot);
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
