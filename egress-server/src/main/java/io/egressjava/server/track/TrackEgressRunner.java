package io.egressjava.server.track;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.pipeline.LimitWatch;
import io.egressjava.source.room.rtp.EncodedFrame;
import io.egressjava.source.room.webrtc.RoomSubscriber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import livekit.LivekitEgress;
import livekit.LivekitModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Track egress (protocol.md §4.9): joins the room as a hidden subscriber, subscribes to one track
 * and writes its frames, as received, into the container for its codec — no decoder, no encoder.
 * Ends when the track is unpublished, its participant leaves, the room closes or StopEgress
 * arrives; the file is finalized and stored in every case.
 */
public final class TrackEgressRunner implements EgressRunner {
  private static final Logger log = LoggerFactory.getLogger(TrackEgressRunner.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TRACK_TIMEOUT = Duration.ofSeconds(10);

  private final EgressConfig config;
  private final Path workDir;
  private final Path localRoot;
  private final Clock clock;
  private final InetAddress localAddress;
  private final AtomicBoolean finishing = new AtomicBoolean();
  private final Object outputLock = new Object();
  private EgressPlan plan;
  private EgressSession session;
  private volatile RoomSubscriber room;
  private volatile TrackOutput output;
  private MediaCodec codec;
  private LivekitModels.TrackInfo track;
  private long firstRtpTimestamp = -1;
  private long lastUnwrapped;
  private volatile long frames;
  private volatile long startNanos;
  private volatile long joinedNanos;
  private volatile PsrpcException writeFailure;
  private volatile LimitWatch limits;

  /**
   * @param localAddress the address to receive media on (ICE host candidate); null = the one this
   *     machine routes from towards the LiveKit server
   */
  public TrackEgressRunner(EgressConfig config, Path workDir, Path localRoot, Clock clock, InetAddress localAddress) {
    this.config = config;
    this.workDir = workDir;
    this.localRoot = localRoot;
    this.clock = clock;
    this.localAddress = localAddress;
  }

  @Override
  public void start(EgressPlan plan, EgressSession session) {
    this.plan = plan;
    this.session = session;
    this.startNanos = System.nanoTime();
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(this::run, "track-egress-" + plan.egressId());
    t.setDaemon(true);
    t.start();
  }

  private void run() {
    String trackId = plan.source().trackId();
    try {
      room = RoomSubscriber.join(plan.wsUrl(), plan.token(), new Events(), localAddress, JOIN_TIMEOUT);
      joinedNanos = System.nanoTime();
      Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo> found = awaitTrack(trackId);
      track = found.getValue();
      codec = MediaCodec.ofMime(track.getMimeType());
      OutputType container = codec == null ? null : OutputType.forTrackCodec(codec);
      if (container == null) {
        throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "track " + trackId + " has unsupported codec " + track.getMimeType());
      }
      if (plan.file() != null && (codec == MediaCodec.PCMU || codec == MediaCodec.PCMA)) {
        throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "track egress of " + track.getMimeType()
            + " to a file needs transcoding to Opus, which this build does not do yet");
      }
      if (plan.file() != null) {
        output = new FileTrackOutput(config, plan, nameFile(found.getKey(), container), workDir, localRoot, codec, track, clock);
      } else {
        if (!codec.isAudio()) {
          throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "format websocket incompatible with codec " + track.getMimeType());
        }
        output = new WebSocketTrackOutput(plan.stream().targets(), codec, clock).session(session);
      }
      limits = LimitWatch.start(plan, config, workDir, () -> {
        if (session.status() == LivekitEgress.EgressStatus.EGRESS_STARTING) {
          session.limitReached(b -> { });
        } else {
          session.ending(EgressSession.SESSION_LIMIT);
        }
        stop();
      });
      room.subscribe(trackId);
    } catch (PsrpcException e) {
      failEarly(e);
    } catch (IOException e) {
      failEarly(new PsrpcException(PsrpcCode.UNAVAILABLE, String.valueOf(e.getMessage())));
    } catch (RuntimeException | LinkageError e) {
      log.error("{}: track egress failed to start", plan.egressId(), e);
      failEarly(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())));
    }
  }

  private Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo> awaitTrack(String trackId) {
    long deadline = System.nanoTime() + TRACK_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      var found = room.findTrack(trackId);
      if (found.isPresent()) {
        return found.get();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new PsrpcException(PsrpcCode.NOT_FOUND, "track " + trackId + " not found");
  }

  /** Placeholders known only now ({track_id}, {track_type}, …) and the extension of the container. */
  private PlannedOutputs.FileOutput nameFile(LivekitModels.ParticipantInfo publisher, OutputType container) {
    PlannedOutputs.FileOutput planned = plan.file();
    Placeholders values = plan.naming().placeholders()
        .with(Placeholders.PUBLISHER_IDENTITY, publisher.getIdentity())
        .with(Placeholders.TRACK_ID, track.getSid())
        .with(Placeholders.TRACK_TYPE, track.getType() == LivekitModels.TrackType.AUDIO ? "audio" : "video")
        .with(Placeholders.TRACK_SOURCE, track.getSource().name().toLowerCase(Locale.ROOT));
    String path = OutputNames.filePath(planned.template(), track.getSid(), values, container.extension(),
        plan.retryCount(), clock.instant().atZone(clock.getZone()));
    return planned.withType(container, path);
  }

  private final class Events implements RoomSubscriber.Listener {
    @Override
    public void onFrame(String trackSid, String codecName, EncodedFrame frame) {
      write(frame);
    }

    @Override
    public void onTrackEnded(String trackSid, String reason) {
      if (trackSid.equals(plan.source().trackId())) {
        log.info("{}: {} ({})", plan.egressId(), reason, trackSid);
        sourceClosed();
      }
    }

    @Override
    public void onTrackStarted(String trackSid) {
      // as the reference: ACTIVE once the subscription is up and media flows (the file starts at
      // the first key frame, which may come a GOP later)
      if (trackSid.equals(plan.source().trackId())) {
        session.active();
        log.info("{}: active {} ms after start (room joined in {} ms)", plan.egressId(),
            (System.nanoTime() - startNanos) / 1_000_000, (joinedNanos - startNanos) / 1_000_000);
      }
    }

    @Override
    public void onTrackMuted(String trackSid, boolean muted) {
      TrackOutput o = output;
      if (o != null && trackSid.equals(plan.source().trackId())) {
        synchronized (outputLock) {
          o.muted(muted);
        }
      }
    }

    @Override
    public void onDisconnected(String reason) {
      log.info("{}: left the room: {}", plan.egressId(), reason);
      sourceClosed();
    }

    @Override
    public void onReplaced() {
      log.info("{}: another instance joined as this egress; giving it up", plan.egressId());
      // it owns the egress now: stop without reporting
      finishing.set(true);
      closeRoom();
      closeLimits();
      TrackOutput o = output;
      if (o != null) {
        synchronized (outputLock) {
          o.abandon();
        }
      }
      session.relinquish();
    }

    @Override
    public void onConnectionLost(String reason) {
      log.warn("{}: {}", plan.egressId(), reason);
      writeFailure = new PsrpcException(PsrpcCode.UNAVAILABLE, "recording ended early: connection to room failed");
      sourceClosed();
    }

    @Override
    public void onSubscriptionFailed(String trackSid, String error) {
      log.warn("{}: subscription to {} failed: {}", plan.egressId(), trackSid, error);
      if (frames == 0) {
        failEarly(new PsrpcException(PsrpcCode.INTERNAL, "cannot subscribe to track " + trackSid + ": " + error));
      }
    }
  }

  private void write(EncodedFrame frame) {
    try {
      writeFrame(frame);
    } catch (RuntimeException e) {
      log.error("{}: cannot write the track", plan.egressId(), e);
      writeFailure = new PsrpcException(PsrpcCode.INTERNAL, "cannot write the track: " + e.getMessage());
      stop();
    }
  }

  private void writeFrame(EncodedFrame frame) {
    synchronized (outputLock) {
      if (finishing.get() || output == null || BlankFrames.isFiller(codec, frame)) {
        return;
      }
      if (firstRtpTimestamp < 0) {
        firstRtpTimestamp = frame.rtpTimestamp();
      }
      output.write(frame, pts(frame.rtpTimestamp()));
      frames++;
    }
  }

  /** RTP time since the first frame, unwrapped across the 32-bit wrap. */
  private long pts(long rtpTimestamp) {
    long delta = (rtpTimestamp - firstRtpTimestamp - lastUnwrapped) & 0xFFFFFFFFL;
    if (delta > 0x80000000L) {
      delta -= 0x100000000L; // slightly older than the last frame (reordered)
    }
    lastUnwrapped += delta;
    return Math.max(0, lastUnwrapped);
  }

  private void sourceClosed() {
    if (session.status() == LivekitEgress.EgressStatus.EGRESS_ACTIVE) {
      session.ending(EgressSession.SOURCE_CLOSED);
    }
    stop();
  }

  private void failEarly(PsrpcException error) {
    if (finishing.compareAndSet(false, true)) {
      log.warn("{}: {}", plan.egressId(), error.getMessage());
      closeRoom();
      closeLimits();
      TrackOutput o = output;
      if (o != null) {
        synchronized (outputLock) {
          o.abandon();
        }
      }
      session.fail(error, b -> { });
    }
  }

  @Override
  public void stop() {
    if (!finishing.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(this::finish, "egress-finish-" + plan.egressId());
    t.start();
  }

  private void closeLimits() {
    LimitWatch l = limits;
    if (l != null) {
      l.close();
    }
  }

  private void closeRoom() {
    RoomSubscriber r = room;
    if (r != null) {
      r.close();
    }
  }

  /** Leaves the room, finalizes and stores the output, then completes the session. */
  private void finish() {
    closeRoom();
    LimitWatch l = limits;
    if (l != null) {
      l.close();
    }
    PsrpcException failure = writeFailure;
    synchronized (outputLock) {
      TrackOutput o = output;
      if (o == null || frames == 0) {
        if (o != null) {
          o.abandon();
        }
        session.fail(new PsrpcException(PsrpcCode.FAILED_PRECONDITION,
            "no media received from track " + plan.source().trackId()), b -> { });
        return;
      }
      try {
        o.finish(session);
      } catch (PsrpcException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())) : failure;
      }
    }
    if (failure != null) {
      session.fail(failure, b -> { });
    } else if (l != null && l.reached()) {
      session.limitReached(l.error(), b -> { });
    } else {
      session.complete(b -> { });
    }
  }

  /** Frames written so far. */
  public long frames() {
    return frames;
  }
}
