package io.egressjava.source.room.media;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.media.BlankFrames;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.media.EncodedStream;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.webrtc.RoomConnection;
import io.egressjava.webrtc.RoomSubscriber;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import livekit.LivekitModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One track of the room as its publisher encoded it (track egress, protocol.md §4.9): joins as a
 * hidden subscriber, finds the track, names its stream to the receiver, then hands over its whole
 * frames with RTP time since the first — no decoder. Ends when the track is unpublished, its
 * participant leaves or the room closes; gives the egress up on DUPLICATE_IDENTITY.
 */
public final class TrackSource implements MediaSource {
  private static final Logger log = LoggerFactory.getLogger(TrackSource.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
  static final Duration TRACK_TIMEOUT = Duration.ofSeconds(10);

  private final EgressPlan plan;
  private final String trackId;
  private final InetAddress localAddress;
  private final RoomConnection.Joiner joiner;
  private final Duration trackTimeout;
  private final Object lock = new Object();
  private Receiver receiver;
  private volatile RoomConnection room;
  private volatile boolean stopped;
  private MediaCodec codec;
  private final RtpTime time = new RtpTime();
  private volatile long frames;
  private long startNanos;
  private long joinedNanos;

  /** @param localAddress where to receive media (ICE host candidate); null = routed towards the server */
  public TrackSource(EgressPlan plan, InetAddress localAddress) {
    this(plan, localAddress, RoomConnection.WEBRTC, TRACK_TIMEOUT);
  }

  /** @param trackTimeout how long the track may take to appear in the room before NOT_FOUND */
  TrackSource(EgressPlan plan, InetAddress localAddress, RoomConnection.Joiner joiner, Duration trackTimeout) {
    this.plan = plan;
    this.trackId = plan.source().trackId();
    this.localAddress = localAddress;
    this.joiner = joiner;
    this.trackTimeout = trackTimeout;
  }

  @Override
  public void requestKeyFrame() {
    RoomConnection r = room;
    if (r != null) {
      r.requestKeyFrame(trackId);
    }
  }

  @Override
  public void registerMetrics(io.egressjava.core.metrics.EgressMetrics metrics) {
    SubscriberMetrics.register(metrics, () -> room);
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    this.startNanos = System.nanoTime();
    Thread t = new Thread(this::run, "track-egress-" + plan.egressId());
    t.setDaemon(true);
    t.start();
  }

  private void run() {
    try {
      room = joiner.join(plan.wsUrl(), plan.token(), new Events(), localAddress, JOIN_TIMEOUT);
      joinedNanos = System.nanoTime();
      if (stopped) {
        room.close();
        return;
      }
      var found = awaitTrack();
      LivekitModels.TrackInfo track = found.getValue();
      codec = MediaCodec.ofMime(track.getMimeType());
      if (codec == null) {
        throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "track " + trackId + " has unsupported codec " + track.getMimeType());
      }
      receiver.encodedStream(new EncodedStream(track.getSid(), codec, track.getMimeType(), track.getWidth(), track.getHeight(),
          Map.of(Placeholders.PUBLISHER_IDENTITY, found.getKey().getIdentity(),
              Placeholders.TRACK_ID, track.getSid(),
              Placeholders.TRACK_TYPE, track.getType() == LivekitModels.TrackType.AUDIO ? "audio" : "video",
              Placeholders.TRACK_SOURCE, track.getSource().name().toLowerCase(Locale.ROOT))));
      room.subscribe(trackId);
    } catch (PsrpcException e) {
      fail(e);
    } catch (IOException e) {
      fail(new PsrpcException(PsrpcCode.UNAVAILABLE, String.valueOf(e.getMessage())));
    } catch (RuntimeException | LinkageError e) {
      log.error("{}: track egress failed to start", plan.egressId(), e);
      fail(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(e.getMessage())));
    }
  }

  private Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo> awaitTrack() {
    long deadline = System.nanoTime() + trackTimeout.toNanos();
    while (System.nanoTime() < deadline && !stopped) {
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

  private void fail(PsrpcException error) {
    log.warn("{}: {}", plan.egressId(), error.getMessage());
    closeRoom();
    receiver.failed(error);
  }

  /** Frames written so far. */
  public long frames() {
    return frames;
  }

  private final class Events implements RoomSubscriber.Listener {
    @Override
    public void onFrame(String trackSid, String codecName, EncodedFrame frame) {
      synchronized (lock) {
        if (stopped || !trackSid.equals(trackId) || BlankFrames.isFiller(codec, frame)) {
          return;
        }
        receiver.encoded(frame, time.pts(frame.rtpTimestamp()));
        frames++;
      }
    }

    @Override
    public void onTrackStarted(String trackSid) {
      // as the reference: ACTIVE once the subscription is up and media flows (a file starts at
      // the first key frame, which may come a GOP later)
      if (!stopped && trackSid.equals(trackId)) {
        receiver.flowing();
        log.info("{}: active {} ms after start (room joined in {} ms)", plan.egressId(),
            (System.nanoTime() - startNanos) / 1_000_000, (joinedNanos - startNanos) / 1_000_000);
      }
    }

    @Override
    public void onTrackMuted(String trackSid, boolean muted) {
      if (trackSid.equals(trackId)) {
        synchronized (lock) {
          receiver.muted(muted);
        }
      }
    }

    @Override
    public void onTrackEnded(String trackSid, String reason) {
      if (!stopped && trackSid.equals(trackId)) {
        log.info("{}: {} ({})", plan.egressId(), reason, trackSid);
        receiver.ended();
      }
    }

    @Override
    public void onDisconnected(String reason) {
      if (stopped) {
        return; // our own leaving
      }
      log.info("{}: left the room: {}", plan.egressId(), reason);
      receiver.ended();
    }

    @Override
    public void onOwnMetadata(String metadata) {
      if (!stopped) {
        receiver.ownMetadata(metadata); // UpdateLayout: not under our lock, the runner takes its own
      }
    }

    @Override
    public void onReplaced() {
      log.info("{}: another instance joined as this egress; giving it up", plan.egressId());
      receiver.relinquished();
    }

    @Override
    public void onConnectionLost(String reason) {
      if (stopped) {
        return;
      }
      log.warn("{}: {}", plan.egressId(), reason);
      receiver.failed(new PsrpcException(PsrpcCode.UNAVAILABLE, "recording ended early: connection to room failed"));
    }

    @Override
    public void onSubscriptionFailed(String trackSid, String error) {
      log.warn("{}: subscription to {} failed: {}", plan.egressId(), trackSid, error);
      if (frames == 0) {
        fail(new PsrpcException(PsrpcCode.INTERNAL, "cannot subscribe to track " + trackSid + ": " + error));
      }
    }
  }

  private void closeRoom() {
    RoomConnection r = room;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public void stop() {
    synchronized (lock) { // after a frame being handed over: none follows, nor does any event
      stopped = true;
    }
    closeRoom();
  }

  /** RTP time since the first frame, unwrapped across the 32-bit wrap. */
  static final class RtpTime {
    private long first = -1;
    private long unwrapped;

    long pts(long rtpTimestamp) {
      if (first < 0) {
        first = rtpTimestamp;
      }
      long delta = (rtpTimestamp - first - unwrapped) & 0xFFFFFFFFL;
      if (delta > 0x80000000L) {
        delta -= 0x100000000L; // slightly older than the last frame (reordered)
      }
      unwrapped += delta;
      return Math.max(0, unwrapped);
    }
  }
}
