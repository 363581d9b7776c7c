package io.egressjava.pipeline;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.media.EncodedStream;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import io.egressjava.sinks.websocket.WebSocketOutputs;
import io.egressjava.storage.EgressStorage;
import io.egressjava.storage.ManifestPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one egress of any type from its {@link MediaSource}. Raw media (pictures and sound) is fitted
 * to the plan, encoded once and fanned out to its file, HLS, stream, image and websocket outputs
 * ({@link RawFeed}, {@link GraphOutputs}, {@link StreamOutputs}); encoded media is written as
 * received ({@link PassthroughOutputs}). The source's events map to statuses here, once for all:
 * ACTIVE at the first media, ENDING and COMPLETE when it ends or StopEgress comes, FAILED with its
 * error, nothing at all when another instance took the egress over. At the end every output is
 * stored (with backup), the manifest written and EgressInfo given its results.
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
  /** Held while media goes into the outputs, and while they are finalized. */
  private final Object graphLock = new Object();
  private final List<Runnable> finishers = new ArrayList<>();

  private EgressPlan plan;
  private EgressSession session;
  private EgressContext ctx;
  /** Raw media is fitted and encoded here; null when the plan keeps media as received. */
  private TranscodeGraph graph;
  private RawFeed raw;
  /** Raw media goes through here into {@link #raw}, so that paused spans never reach an encoder. */
  private PausedFeed rawPaused;
  /** Pause, resume, who is left out. */
  private EgressControls controls;
  /** Encoded media as received goes here; null when the plan transcodes. */
  private PassthroughOutputs passthrough;
  private WebSocketOutputs websockets;
  private volatile StreamOutputs streams;
  private volatile PsrpcException streamFailure;
  /** Why writing media failed, if it did (the egress stops and fails with it). */
  private volatile PsrpcException writeFailure;
  private volatile Instant startedAt;
  private final Manifest manifest = new Manifest();
  /** What this egress wrote and stored, for whoever finishes it if this process dies. */
  private final SpoolJournal journal;
  private final Receiver receiver = new Receiver();

  /**
   * @param workDir where outputs are written before upload (the egress's temp directory)
   * @param localRoot where local storage paths resolve ("/" in the reference's container)
   */
  public PipelineRunner(EgressConfig config, MediaSource source, Path workDir, Path localRoot, Clock clock) {
    this.config = config;
    this.source = source;
    this.workDir = workDir;
    this.journal = SpoolJournal.in(workDir);
    this.localRoot = localRoot;
    this.clock = clock;
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
    manifest.set("egress_id", plan.egressId()).set("room_id", plan.roomId()).set("room_name", plan.roomName())
        .set("url", plan.source().webUrl().contains("token=") ? "" : plan.source().webUrl());
    ctx = new EgressContext(config, plan, session, clock, workDir, localRoot, journal, manifest, () -> startedAt);
    controls = new EgressControls(plan.egressId(), graphLock, source, session, this::clockNow, ctx::nowNanos, () -> {
      if (passthrough != null) {
        passthrough.resumed();
      }
    }, plan.video().enabled() && !plan.passthrough() ? 1.0 / plan.encoding().framerate() : 0);
    if (plan.passthrough()) {
      // opens once the source names its stream
      passthrough = new PassthroughOutputs(ctx, finishers, controls.timeline(), source::requestKeyFrame);
    } else {
      startGraph();
    }
    scheduleSessionLimit();
    startLayout();
    PipelineMetrics.register(session.metrics(), source, graph, raw, plan.video().enabled());
    source.start(receiver);
  }

  /**
   * A JSON layout in the request (docs/consent.md) starts the egress paused, or with participants
   * left out, before any media: nothing of them is ever recorded. The planner has validated it.
   */
  private void startLayout() {
    String layout = plan.source().layout();
    if (layout != null && layout.trim().startsWith("{")) {
      control(LayoutControl.fromLayout(layout));
    }
  }

  /** The transcode graph with the plan's outputs on it. */
  private void startGraph() {
    var e = plan.encoding();
    // raw PCM (websocket) is not encoded: it goes from the source straight to the sockets
    MediaCodec audioCodec = plan.audio().enabled() && plan.audio().codec() != MediaCodec.RAW_AUDIO ? plan.audio().codec() : null;
    // room_composite_encoding: economy (the default) for a room composite's picture
    boolean economy = plan.requestType() == io.egressjava.core.plan.RequestType.ROOM_COMPOSITE
        && config.economyRoomCompositeEncoding();
    graph = new TranscodeGraph(e, audioCodec, plan.video().enabled(), plan.stream() != null,
        config.videoEncoderThreads(), economy);
    GraphOutputs.attach(ctx, graph, finishers);
    PlannedOutputs.StreamOutput stream = plan.stream();
    if (stream != null && stream.type() == OutputType.RAW) {
      websockets = new WebSocketOutputs(stream.targets(), session, clock);
      finishers.add(websockets::finish);
    }
    raw = new RawFeed(plan, graph, source, websockets == null ? null : this::toWebsockets);
    rawPaused = new PausedFeed(controls.timeline(), raw, e);
    if (stream != null && stream.type() != OutputType.RAW) {
      streams = new StreamOutputs(ctx, graph, error -> {
        if (!stopping.get()) {
          streamFailure = error;
          stop();
        }
      });
    }
  }

  /**
   * The shortest session limit of the plan's outputs (protocol.md §4.4): before the start it aborts
   * the egress; afterwards it drains like a stop, outputs finalized and uploaded, and ends as
   * LIMIT_REACHED.
   */
  private void scheduleSessionLimit() {
    limits = LimitWatch.start(plan, config, workDir, () -> {
      if (session.status() == EgressStatus.EGRESS_STARTING) {
        session.limitReached(b -> { });
      } else {
        session.ending(EgressSession.SESSION_LIMIT);
      }
      stop();
    });
  }

  /**
   * UpdateStream: adds and removes RTMP/SRT destinations while recording, as the reference does
   * ({@link StreamOutputs#update}); removing the last output ends the egress ("All streams stopped").
   */
  @Override
  public void updateStream(List<String> addUrls, List<String> removeUrls) {
    StreamOutputs s = streams;
    if (s == null) {
      throw EgressErrors.nonStreamingPipeline();
    }
    StreamOutputs.Update update = s.update(addUrls, removeUrls);
    if (update.noneLeft()) {
      session.ending(EgressSession.ALL_STREAMS_STOPPED);
      stop();
    }
    if (update.error() != null) {
      throw update.error();
    }
  }

  /**
   * Pauses at the source's "now": raw media stamped from then on is dropped (cut) or blanked (gap)
   * whenever it arrives; encoded frames arriving from now on are not written.
   */
  @Override
  public boolean pause(PauseMode mode) {
    return controls.pause(mode, stopping::get);
  }

  @Override
  public boolean resume() {
    return controls.resume();
  }

  /** Leaves out (or records again) participants, tracks or kinds from now on (see TrackFilter). */
  @Override
  public void select(List<String> exclude, List<String> include) {
    controls.select(exclude, include);
  }

  /** Where "now" is on the media's clock: the source's for raw media, seconds since the start for frames. */
  private double clockNow() {
    if (passthrough != null) {
      return (ctx.nowNanos() - ctx.startedNanos()) / 1e9;
    }
    double now = source.clockSeconds();
    return Double.isNaN(now) ? 0 : now;
  }

  /** Sound placed on the timeline, to the websocket outputs. Graph lock held. */
  private void toWebsockets(byte[] pcm, int length) {
    try {
      websockets.write(pcm, length);
    } catch (PsrpcException e) {
      writeFailed(e);
    }
  }

  /** Feeds the graph from the source thread. */
  /** The egress's media graph as DOT, for the debug port ({@link GraphDump}). */
  @Override
  public String describe() {
    EgressPlan p = plan;
    if (p == null) {
      return EgressRunner.super.describe();
    }
    synchronized (graphLock) {
      return GraphDump.dot(p, source, graph, java.util.Arrays.asList(passthrough, websockets, streams),
          (session == null ? "" : session.status().toString()) + (stopping.get() ? ", stopping" : ""));
    }
  }

  private final class Receiver implements MediaSource.Receiver {
    @Override
    public void video(Picture picture, double seconds) {
      synchronized (graphLock) {
        if (stopping.get() || raw == null || !raw.takesVideo()) {
          return;
        }
        markStarted();
        rawPaused.video(picture, seconds);
      }
    }

    @Override
    public void flowing() {
      markStarted(); // ACTIVE at the first packet, not after the source's start-up hold
    }

    @Override
    public void audio(byte[] pcm, int length, double seconds) {
      synchronized (graphLock) {
        if (stopping.get() || raw == null) {
          return;
        }
        markStarted();
        rawPaused.audio(pcm, length, seconds);
      }
    }

    @Override
    public void encodedStream(EncodedStream stream) {
      synchronized (graphLock) {
        if (passthrough == null) {
          throw new PsrpcException(PsrpcCode.INTERNAL, "encoded " + stream.codec() + " given to a transcoding plan");
        }
        if (!stopping.get()) {
          passthrough.open(stream);
        }
      }
    }

    @Override
    public void encoded(EncodedFrame frame, long pts) {
      synchronized (graphLock) {
        if (stopping.get()) {
          return;
        }
        try {
          passthrough.write(frame, pts);
        } catch (PsrpcException e) {
          writeFailed(e);
        } catch (RuntimeException e) {
          log.error("{}: cannot write the track", plan.egressId(), e);
          writeFailed(new PsrpcException(PsrpcCode.INTERNAL, "cannot write the track: " + e.getMessage()));
        }
      }
    }

    @Override
    public void muted(boolean muted) {
      synchronized (graphLock) {
        try {
          if (passthrough != null) {
            passthrough.muted(muted);
          } else if (websockets != null) {
            websockets.muted(muted);
          }
        } catch (PsrpcException e) {
          writeFailed(e);
        }
      }
    }

    /**
     * UpdateLayout's JSON form pauses, resumes and leaves out (see LayoutControl); what cannot be
     * done is logged, not fatal: UpdateLayout has no way to answer.
     */
    @Override
    public void ownMetadata(String metadata) {
      try {
        control(LayoutControl.fromMetadata(metadata));
      } catch (IllegalArgumentException | PsrpcException e) {
        log.warn("{}: UpdateLayout ignored: {}", plan.egressId(), e.getMessage());
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
      if (stopping.compareAndSet(false, true)) {
        finish(error instanceof PsrpcException p ? p : new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(error.getMessage())));
      }
    }
  }

  /** An output could not take what it was given: the egress stops, keeps what was written, and fails. */
  private void writeFailed(PsrpcException error) {
    writeFailure = error;
    stop();
  }

  private void markStarted() {
    if (mediaStarted.compareAndSet(false, true)) {
      startedAt = clock.instant();
      manifest.set("started_at", ctx.startedNanos());
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
        if (passthrough != null) {
          passthrough.abandon();
        } else {
          raw.close();
          if (websockets != null) {
            websockets.close();
          }
        }
      } catch (RuntimeException e) {
        log.debug("{}: closing abandoned outputs: {}", plan.egressId(), e.getMessage());
      }
    }
    if (limits != null) {
      limits.close();
    }
    session.relinquish();
  }

  /** Stops the source, finalizes and stores every output, then completes (or fails) the session. */
  private void finish(PsrpcException sourceError) {
    stopping.set(true);
    source.stop();
    PsrpcException failure = sourceError != null ? sourceError : writeFailure != null ? writeFailure : streamFailure;
    boolean received = true;
    synchronized (graphLock) {
      try {
        if (passthrough != null && passthrough.frames() == 0) { // nothing to store: no file, no result
          received = false;
          passthrough.abandon();
          if (failure == null) {
            failure = new PsrpcException(PsrpcCode.FAILED_PRECONDITION, "no media received from track " + plan.source().trackId());
          }
        } else if (passthrough != null) {
          passthrough.close();
        } else {
          raw.drainAndClose();
        }
      } catch (RuntimeException e) {
        failure = new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage()));
      }
    }
    for (Runnable finisher : received ? finishers : List.<Runnable>of()) {
      try {
        finisher.run();
      } catch (PsrpcException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())) : failure;
      }
    }
    if (failure == null && graph != null && !graph.failures().isEmpty() && plan.stream() == null) {
      failure = new PsrpcException(PsrpcCode.INTERNAL, graph.failures().get(0).output() + ": " + graph.failures().get(0).error());
    }
    manifest.set("ended_at", ctx.nowNanos());
    controls.addTo(manifest);
    String manifestLocation = "";
    try {
      if (plan.manifest() && received) {
        try (EgressStorage store = ctx.storage(manifestStorage())) {
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
