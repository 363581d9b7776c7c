package io.egressjava.pipeline;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.storage.OutputStore;
import io.egressjava.api.storage.StorageOutage;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.core.plan.StreamUrls;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.media.ffmpeg.AudioTimeline;
import io.egressjava.media.ffmpeg.ConstantFrameRate;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.SegmentWriter;
import io.egressjava.media.ffmpeg.StreamPublisher;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import io.egressjava.media.ffmpeg.VideoScaler;
import io.egressjava.sinks.hls.SegmentPublisher;
import io.egressjava.sinks.websocket.WebSocketAudioSink;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.ManifestPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a transcoding plan from a raw {@link MediaSource}: pictures are fitted to the plan's size
 * at its frame rate, encoded once and fanned out to the plan's file, HLS, stream and image outputs;
 * at the end files are stored (with backup), the manifest is written and EgressInfo gets its results.
 */
public final class PipelineRunner implements EgressRunner {
  private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

  private final EgressConfig config;
  private final MediaSource source;
  private final Path workDir;
  private final Path localRoot;
  private final Clock clock;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean mediaStarted = new AtomicBoolean();
  private LimitWatch limits;
  private final Object graphLock = new Object();
  private final List<Runnable> finishers = new ArrayList<>();
  private final List<WebSocketAudioSink> websockets = new ArrayList<>();

  private EgressPlan plan;
  private EgressSession session;
  private TranscodeGraph graph;
  private VideoScaler scaler;
  private ConstantFrameRate frameRate;
  private final AudioTimeline audioTimeline;
  private volatile StreamPublisher streams;
  private volatile PsrpcException streamFailure;
  private boolean hasPicture;
  /** The last picture fitted, not yet encoded (in the scaler's output), and its time. */
  private boolean hasPending;
  private double pendingSeconds;
  private volatile Instant startedAt;
  private final Manifest manifest = new Manifest();
  /** What this egress wrote and stored, for whoever finishes it if this process dies. */
  private final SpoolJournal journal;
  private final Receiver receiver = new Receiver();
  /** Where on the timeline late audio was last warned about (see {@link #warnLateAudio}). */
  private double lateAudioWarnedAt = Double.NEGATIVE_INFINITY;

  /**
   * @param workDir where outputs are written before upload (the egress's temp directory)
   * @param localRoot where local storage paths resolve ("/" in the reference's container)
   */
  public PipelineRunner(EgressConfig config, MediaSource source, Path workDir, Path localRoot, Clock clock) {
    this.config = config;
    this.source = source;
    this.audioTimeline = new AudioTimeline(source.audioJitterSeconds());
    this.workDir = workDir;
    this.journal = SpoolJournal.in(workDir);
    this.localRoot = localRoot;
    this.clock = clock;
  }

  private EgressStorage storage(StorageConfig primary) {
    return EgressStorage.of(primary, config.backup(), localRoot);
  }

  @Override
  public void start(EgressPlan plan, EgressSession session) {
    this.plan = plan;
    this.session = session;
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var e = plan.encoding();
    // raw PCM (websocket) is not encoded: it goes from the source straight to the sockets
    MediaCodec audioCodec = plan.audio().enabled() && plan.audio().codec() != MediaCodec.RAW_AUDIO ? plan.audio().codec() : null;
    graph = new TranscodeGraph(e, audioCodec, plan.video().enabled(), plan.stream() != null);
    scaler = plan.video().enabled() ? new VideoScaler(e.width(), e.height()) : null;
    frameRate = new ConstantFrameRate(e.framerate());
    manifest.set("egress_id", plan.egressId()).set("room_id", plan.roomId()).set("room_name", plan.roomName())
        .set("url", plan.source().webUrl().contains("token=") ? "" : plan.source().webUrl());
    addFile();
    addSegments();
    addStreams();
    addImages();
    scheduleSessionLimit();
    source.start(receiver);
  }

  /**
   * The shortest session limit of the plan's outputs (protocol.md §4.4): before the start it aborts
   * the egress; afterwards it drains like a stop, outputs finalized and uploaded, and ends as
   * LIMIT_REACHED.
   */
  private void scheduleSessionLimit() {
    limits = LimitWatch.start(plan, config, workDir, () -> {
      if (session.status() == livekit.LivekitEgress.EgressStatus.EGRESS_STARTING) {
        session.limitReached(b -> { });
      } else {
        session.ending(EgressSession.SESSION_LIMIT);
      }
      stop();
    });
  }

  private void addFile() {
    PlannedOutputs.FileOutput file = plan.file();
    if (file == null) {
      return;
    }
    Path local = workDir.resolve(StoragePaths.base(file.storagePath()));
    // the container written: OGG and MP3 as planned, everything else MP4 (its mime is the upload's content type)
    OutputType container = file.type() == OutputType.OGG || file.type() == OutputType.MP3_FILE ? file.type() : OutputType.MP4;
    graph.addFile(local, container.extension().substring(1)); // FFmpeg's format names: mp4, ogg, mp3
    String localName = local.getFileName().toString();
    journal.fileOpened(localName, file.storagePath(), container.mime(), 0);
    EgressStorage store = storage(file.storage());
    finishers.add(() -> {
      // the file's own length: wall clocks would also count the upload below
      long played = Math.max(0, MediaDuration.nanos(local));
      // an outage is waited out for up to max_upload_queue minutes (the egress stays ENDING)
      OutputStore.Stored stored = StorageOutage.waitOut(localName,
          () -> store.store(local, file.storagePath(), container.mime(), true), Duration.ofMinutes(config.maxUploadQueueMinutes()));
      journal.fileStored(localName, SpoolJournal.Stored.of(stored, played));
      manifest.addFile(stored.storagePath(), stored.location());
      long started = nanos(startedAt);
      session.update(b -> {
        var info = LivekitEgress.FileInfo.newBuilder().setFilename(stored.storagePath()).setLocation(stored.location())
            .setSize(stored.size()).setStartedAt(started).setEndedAt(started + played).setDuration(played);
        b.setFileResults(0, info);
        if (b.hasFile()) {
          b.setFile(info);
        }
        b.setBackupStorageUsed(b.getBackupStorageUsed() || store.backupUsed());
      });
      store.close();
    });
  }

  private void addSegments() {
    PlannedOutputs.SegmentOutput seg = plan.segments();
    if (seg == null) {
      return;
    }
    EgressStorage store = storage(seg.storage());
    SegmentPublisher publisher = new SegmentPublisher(store, seg.names(), seg.segmentDurationSeconds(), workDir,
        config.maxUploadQueueMinutes(), clock);
    Instant origin = clock.instant();
    graph.addSegments(new SegmentWriter(i -> workDir.resolve(seg.names().indexSegment(i)), seg.segmentDurationSeconds(),
        origin, graph.videoEncoder(), graph.audioEncoder(), (file, start, duration) -> {
          Path named = seg.timestampSuffix() ? rename(file, seg.names().timestampSegment(start.atZone(clock.getZone()))) : file;
          publisher.segmentReady(named, start, duration);
        }));
    finishers.add(() -> {
      publisher.close();
      long started = nanos(startedAt);
      long played = publisher.duration().toNanos();
      session.update(b -> b.setSegmentResults(0, b.getSegmentResults(0).toBuilder()
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

  private void addWebsockets(PlannedOutputs.StreamOutput stream) {
    for (var target : stream.targets()) {
      websockets.add(WebSocketAudioSink.connect(target.url(), target.redacted()));
    }
    finishers.add(() -> {
      websockets.forEach(WebSocketAudioSink::close);
      long ended = nanos(clock.instant());
      session.update(b -> {
        for (int i = 0; i < b.getStreamResultsCount(); i++) {
          var r = b.getStreamResults(i);
          long started = r.getStartedAt() != 0 ? r.getStartedAt() : nanos(startedAt);
          b.setStreamResults(i, r.toBuilder().setStatus(LivekitEgress.StreamInfo.Status.FINISHED)
              .setStartedAt(started).setEndedAt(ended).setDuration(started == 0 ? 0 : ended - started));
        }
      });
    });
  }

  private void addStreams() {
    PlannedOutputs.StreamOutput stream = plan.stream();
    if (stream == null) {
      return;
    }
    if (stream.type() == OutputType.RAW) {
      addWebsockets(stream);
      return;
    }
    StreamPublisher publisher = new StreamPublisher(stream.type() == OutputType.SRT ? "mpegts" : "flv",
        graph.videoEncoder(), graph.audioEncoder(), clock, state -> {
          reportStream(state);
          if (state.status() == StreamPublisher.Status.FAILED) {
            lastStreamFailed(state);
          }
        });
    stream.targets().forEach(t -> publisher.add(t.url(), t.redacted()));
    graph.addStreams(publisher);
    streams = publisher;
  }

  /** A stream's new state goes into its StreamInfo (found by redacted URL; the newest of that URL). */
  private void reportStream(StreamPublisher.State state) {
    session.update(b -> {
      for (int i = b.getStreamResultsCount() - 1; i >= 0; i--) {
        if (b.getStreamResults(i).getUrl().equals(state.url())) {
          var s = b.getStreamResults(i).toBuilder()
              .setStatus(LivekitEgress.StreamInfo.Status.forNumber(state.status().ordinal()))
              .setError(state.error()).setRetries(state.retries());
          if (state.startedAt() != null) {
            s.setStartedAt(nanos(state.startedAt()));
          }
          if (state.endedAt() != null) {
            s.setEndedAt(nanos(state.endedAt()));
            if (state.startedAt() != null) {
              s.setDuration(nanos(state.endedAt()) - nanos(state.startedAt()));
            }
          }
          b.setStreamResults(i, s);
          break;
        }
      }
      syncLegacyStreamList(b);
    });
  }

  /** The deprecated {@code stream} field lists the same StreamInfos, for older clients. */
  private static void syncLegacyStreamList(EgressInfo.Builder b) {
    if (b.hasStream()) {
      b.setStream(LivekitEgress.StreamInfoList.newBuilder().addAllInfo(b.getStreamResultsList()));
    }
  }

  /** As the reference: when the last output of the egress was a stream and it failed, the egress fails. */
  private void lastStreamFailed(StreamPublisher.State failed) {
    if (streams.activeCount() == 0 && otherOutputs() == 0 && !stopping.get()) {
      streamFailure = new PsrpcException(PsrpcCode.UNAVAILABLE, failed.error());
      stop();
    }
  }

  /** Outputs that are not streams (file, segments, each image output). */
  private int otherOutputs() {
    return (plan.file() != null ? 1 : 0) + (plan.segments() != null ? 1 : 0) + plan.images().size();
  }

  /**
   * UpdateStream: adds and removes RTMP/SRT destinations while recording, as the reference does —
   * each URL is validated for the egress's stream type, a new one gets its StreamInfo at once, a
   * removed one ends FINISHED, and removing the last output ends the egress ("All streams
   * stopped"). Every URL is tried; the errors are returned together, coded as the first.
   */
  @Override
  public void updateStream(List<String> addUrls, List<String> removeUrls) {
    PlannedOutputs.StreamOutput stream = plan.stream();
    StreamPublisher publisher = streams;
    if (stream == null || publisher == null) {
      throw EgressErrors.nonStreamingPipeline();
    }
    List<PsrpcException> errors = new ArrayList<>();
    for (String raw : addUrls) {
      try {
        StreamUrls.StreamTarget target = StreamUrls.validate(raw, stream.type());
        session.update(b -> {
          var info = LivekitEgress.StreamInfo.newBuilder().setUrl(target.redacted())
              .setStatus(LivekitEgress.StreamInfo.Status.ACTIVE);
          if (stream.type() != OutputType.RTMP) {
            info.setStartedAt(nanos(clock.instant()));
          }
          b.addStreamResults(info);
          syncLegacyStreamList(b);
        });
        publisher.add(target.url(), target.redacted());
      } catch (PsrpcException e) {
        errors.add(e);
      }
    }
    for (String raw : removeUrls) {
      if (!publisher.remove(StreamUrls.resolve(raw))) {
        errors.add(EgressErrors.streamNotFound(raw));
      }
    }
    if (!removeUrls.isEmpty() && publisher.activeCount() == 0 && otherOutputs() == 0) {
      session.ending(EgressSession.ALL_STREAMS_STOPPED);
      stop();
    }
    if (!errors.isEmpty()) {
      throw new PsrpcException(errors.get(0).code(),
          String.join("\n", errors.stream().map(Throwable::getMessage).toList()));
    }
  }

  private void addImages() {
    for (int n = 0; n < plan.images().size(); n++) {
      PlannedOutputs.ImageOutput img = plan.images().get(n);
      int index = n;
      EgressStorage store = storage(img.storage());
      AtomicInteger count = new AtomicInteger();
      int w = img.width() > 0 ? img.width() : plan.encoding().width();
      int h = img.height() > 0 ? img.height() : plan.encoding().height();
      graph.addImages(w, h, img.captureInterval(), i -> workDir.resolve(switch (img.suffix()) {
        case INDEX -> img.names().indexImage(i);
        case TIMESTAMP -> img.names().timestampImage(clock.instant().atZone(clock.getZone()));
        case NONE_OVERWRITE -> img.names().overwriteImage();
      }), file -> {
        OutputStore.Stored stored = store.store(file, StoragePaths.join(img.names().storageDir(), file.getFileName().toString()),
            OutputType.JPEG.mime(), true);
        manifest.addImage(stored.storagePath(), nanos(clock.instant()), stored.location());
        count.incrementAndGet();
      });
      finishers.add(() -> {
        long ended = nanos(clock.instant());
        session.update(b -> b.setImageResults(index, b.getImageResults(index).toBuilder()
            .setImageCount(count.get()).setStartedAt(nanos(startedAt)).setEndedAt(ended)));
        store.close();
      });
    }
  }

  private static String seconds(long samples) {
    return seconds(samples / (double) AudioTimeline.RATE);
  }

  private static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }

  private static long nanos(Instant t) {
    return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /**
   * Warns when sound comes for a place the timeline already filled (its input was later than the
   * source's allowance): the first time, then at most every 10 s of the egress, so a source that
   * keeps losing its sound is seen in the log, not only as a silent file. Graph lock held.
   */
  private void warnLateAudio(double chunkSeconds) {
    double timeline = audioTimeline.seconds();
    if (timeline - lateAudioWarnedAt >= 10) {
      lateAudioWarnedAt = timeline;
      log.warn("{}: audio for {} s came after the timeline passed it ({} s): the late part is dropped", plan.egressId(),
          seconds(chunkSeconds), seconds(timeline));
    }
  }

  /** Feeds the graph from the source thread. */
  private final class Receiver implements MediaSource.Receiver {
    @Override
    public void video(AVFrame frame, double seconds) {
      synchronized (graphLock) {
        if (stopping.get() || scaler == null) {
          return;
        }
        markStarted();
        // a picture is encoded once the next one says which slots it gets (ConstantFrameRate.decide)
        if (hasPending) {
          emit(frameRate.decide(pendingSeconds, seconds));
        }
        scaler.fit(frame);
        pendingSeconds = seconds;
        hasPending = true;
        if (graph.audioEncoder() != null) {
          // a stalled or muted microphone must not let the sound fall behind the pictures
          writeSilence(audioTimeline.silenceOwed(seconds, source.audioLatenessSeconds()));
        }
      }
    }

    @Override
    public void flowing() {
      markStarted(); // ACTIVE at the first packet, not after the source's start-up hold
    }

    @Override
    public void audio(byte[] pcm, int length, double seconds) {
      synchronized (graphLock) {
        if (stopping.get()) {
          return;
        }
        markStarted();
        AudioTimeline.Placement place = audioTimeline.place(length, seconds);
        if (place.offset() > 0) {
          warnLateAudio(seconds);
        }
        writeSilence(place.silenceSamples());
        if (place.length() > 0) {
          byte[] chunk = place.offset() == 0 ? pcm : java.util.Arrays.copyOfRange(pcm, place.offset(), place.offset() + place.length());
          writeAudio(chunk, place.length());
        }
      }
    }

    private void writeSilence(int samples) {
      if (samples > 0) {
        int bytes = AudioTimeline.bytes(samples);
        writeAudio(new byte[bytes], bytes);
      }
    }

    private void writeAudio(byte[] pcm, int length) {
      if (graph.audioEncoder() != null) {
        graph.pushAudio(pcm, length);
      }
      for (WebSocketAudioSink ws : websockets) {
        try {
          ws.write(pcm, length);
        } catch (PsrpcException e) {
          stopping.set(true);
          new Thread(() -> finish(e), "egress-fail-" + plan.egressId()).start();
          return;
        }
      }
    }

    @Override
    public void ended() {
      session.ending(EgressSession.SOURCE_CLOSED);
      stop();
    }

    @Override
    public void relinquished() {
      if (!stopping.compareAndSet(false, true)) {
        return;
      }
      new Thread(PipelineRunner.this::abandon, "egress-relinquish-" + plan.egressId()).start();
    }

    @Override
    public void failed(RuntimeException error) {
      finish(error instanceof PsrpcException p ? p : new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(error.getMessage())));
    }
  }

  /**
   * Encodes the decided slots: repeats of what is shown (none before the first picture: the video
   * starts where its first picture is, as the reference's does, not frozen on it), then the pending
   * picture. Called with the graph lock held.
   */
  private void emit(ConstantFrameRate.Slots slots) {
    if (slots.repeats() > 0) {
      if (hasPicture) {
        for (int i = 0; i < slots.repeats(); i++) {
          graph.pushVideo(scaler.held());
        }
      } else {
        graph.skipVideo(slots.repeats()); // their time still counts, or the video would run early
      }
    }
    if (slots.previous() > 0) {
      AVFrame shown = scaler.hold();
      hasPicture = true;
      for (int i = 0; i < slots.previous(); i++) {
        graph.pushVideo(shown);
      }
    }
  }

  private void markStarted() {
    if (mediaStarted.compareAndSet(false, true)) {
      startedAt = clock.instant();
      manifest.set("started_at", nanos(startedAt));
      session.active();
    }
  }

  @Override
  public void stop() {
    if (stopping.get()) {
      return;
    }
    if (!Thread.holdsLock(graphLock)) { // a source pushes under its own lock, then takes graphLock
      source.flush(); // what a mixer behind real time holds is recorded, not cut off
    }
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> finish(null), "egress-finish-" + plan.egressId());
    t.start();
  }

  /**
   * Stops the source and closes the outputs (streams disconnect) without storing or reporting them:
   * another instance records this egress now. The service deletes what was written here with the
   * work directory, as the reference deletes its temp directory.
   */
  private void abandon() {
    source.stop();
    synchronized (graphLock) {
      try {
        closeGraph();
      } catch (RuntimeException e) {
        log.debug("{}: closing abandoned outputs: {}", plan.egressId(), e.getMessage());
      }
    }
    if (limits != null) {
      limits.close();
    }
    session.relinquish();
  }

  /** Closes the graph (its outputs finalized on disk) and the scaler. Graph lock held. */
  private void closeGraph() {
    graph.close();
    if (scaler != null) {
      scaler.close();
    }
  }

  /** Stops the source, finalizes and stores every output, then completes (or fails) the session. */
  private void finish(PsrpcException sourceError) {
    stopping.set(true);
    source.stop();
    PsrpcException failure = sourceError != null ? sourceError : streamFailure;
    synchronized (graphLock) {
      try {
        if (hasPending) { // the last picture gets its own slot
          double end = pendingSeconds + 1.0 / plan.encoding().framerate();
          emit(frameRate.decide(pendingSeconds, end));
          hasPending = false;
          if (graph.audioEncoder() != null) {
            // no more sound will come: a silent input's track runs to the last picture, not to
            // the source's lateness allowance before it
            receiver.writeSilence(audioTimeline.silenceOwed(end, 0));
          }
        }
        if (graph.audioEncoder() != null) {
          log.info("{}: audio {} s, of it {} s silence filled in; {} s came too late and were dropped", plan.egressId(),
              seconds(audioTimeline.seconds()), seconds(audioTimeline.silenceWritten()), seconds(audioTimeline.dropped()));
        }
        closeGraph();
      } catch (RuntimeException e) {
        failure = new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage()));
      }
    }
    for (Runnable finisher : finishers) {
      try {
        finisher.run();
      } catch (PsrpcException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())) : failure;
      }
    }
    if (failure == null && !graph.failures().isEmpty() && plan.stream() == null) {
      failure = new PsrpcException(PsrpcCode.INTERNAL, graph.failures().get(0).output() + ": " + graph.failures().get(0).error());
    }
    manifest.set("ended_at", nanos(clock.instant()));
    String manifestLocation = "";
    try {
      if (plan.manifest()) {
        try (EgressStorage store = storage(manifestStorage())) {
          manifestLocation = ManifestPublisher.publish(plan, manifest, store, workDir);
        }
      }
    } catch (RuntimeException e) {
      log.warn("manifest for {} not stored: {}", plan.egressId(), e.getMessage());
    }
    String location = manifestLocation;
    if (limits != null) {
      limits.close();
    }
    if (failure == null && limits != null && limits.reached()) {
      session.limitReached(limits.error(), b -> b.setManifestLocation(location));
    } else if (failure != null) {
      PsrpcException error = failure;
      session.fail(error, b -> b.setManifestLocation(location));
    } else {
      session.complete(b -> b.setManifestLocation(location));
    }
  }

  private StorageConfig manifestStorage() {
    if (plan.file() != null) {
      return plan.file().storage();
    }
    if (plan.segments() != null) {
      return plan.segments().storage();
    }
    return plan.images().isEmpty() ? StorageConfig.LOCAL : plan.images().get(0).storage();
  }

  /** The info as it stands (for callers that keep the runner). */
  public EgressInfo info() {
    return session.info();
  }
}
