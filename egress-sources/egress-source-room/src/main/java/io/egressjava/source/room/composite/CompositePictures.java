package io.egressjava.source.room.composite;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.DaemonThreads;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.lifecycle.RegionLayout;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.TrackFilter;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AvPicture;
import io.egressjava.media.ffmpeg.Compositor;
import io.egressjava.media.ffmpeg.VideoDecoder;
import io.egressjava.source.room.composite.Placements.Placement;
import io.egressjava.templates.layout.Box;
import io.egressjava.templates.layout.BuiltInLayouts;
import io.egressjava.templates.layout.SpeakerFollower;
import io.egressjava.templates.layout.SpeechDetector;
import io.egressjava.templates.layout.Tile;
import io.egressjava.webrtc.RoomSubscriber;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import livekit.LivekitModels;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room composite's pictures without a browser: joins as the egress's participant (so UpdateLayout
 * reaches it), subscribes to every camera and screen share, decodes each, and at the output frame
 * rate draws each one's latest picture into its box of the built-in layout ({@link
 * BuiltInLayouts}: the templates' geometry; cameras cropped to fill, screen shares whole). Time zero
 * is its first picture; the room's sound comes from a {@code RoomMediaSource} beside it, told that
 * time zero.
 */
public final class CompositePictures implements MediaSource {
  private static final Logger log = LoggerFactory.getLogger(CompositePictures.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
  /** With nobody's picture yet, the recording starts anyway after this (an audio-only room, cameras off). */
  private static final long START_WITHOUT_PICTURES_NANOS = 3_000_000_000L;

  private final EgressPlan plan;
  private final Map<String, TileState> tiles = new ConcurrentHashMap<>();
  private final SpeakerFollower speakers = new SpeakerFollower();
  /** Who speaks, from the mixed sound's levels; unused without sound. */
  private final SpeechDetector speech = new SpeechDetector();
  /**
   * Guards {@link #speakers} and {@link #speech}: not {@link #lock}, which the composer holds while it
   * draws and encodes, and the sound's decoding must not wait for that.
   */
  private final Object speakerLock = new Object();
  /** Whether the speakers come from the sound ({@link #heard}) rather than the server's updates. */
  private volatile boolean hearsSpeech;
  /** The speaker drawn last (composer thread). */
  private String shownSpeaker;
  private final PeopleOnShow people = new PeopleOnShow();
  private final ExecutorService decoding;
  private final Object lock = new Object();
  private volatile Receiver receiver;
  private volatile RoomSubscriber room;
  private volatile boolean stopped;
  private volatile TrackFilter filter = TrackFilter.NONE;
  private volatile String layout;
  /** The layout as data when UpdateLayout or the request gave regions; else null (the name's). */
  private volatile RegionLayout regions;
  private volatile LongConsumer origin = nanos -> { };
  private ScheduledExecutorService ticker;
  private Compositor compositor;
  private long joinedNanos;
  private long originNanos;

  public CompositePictures(EgressPlan plan) {
    this.plan = plan;
    LayoutControl initial = LayoutControl.fromLayout(plan.source().layout()); // (the planner has checked it)
    this.layout = initial.layout();
    this.regions = initial.regions();
    this.decoding = Executors.newSingleThreadExecutor(DaemonThreads.named("composite-decode-" + plan.egressId()));
  }

  /**
   * A packet of a participant's sound as the room's sound source decodes it: speakers are then
   * detected from it (within a packet, and including who already spoke when the egress joined)
   * instead of from livekit-server's updates, which come every 400 ms and only on changes.
   */
  public void heard(String identity, double rms, long decodedNanos) {
    hearsSpeech = true;
    synchronized (speakerLock) {
      speech.heard(identity, rms, decodedNanos);
      speakers.update(speech.speakers(decodedNanos), decodedNanos);
    }
  }

  /** Who learns time zero (the room's sound, on the same {@link System#nanoTime} clock); set before start. */
  public void origin(LongConsumer origin) {
    this.origin = origin;
  }

  @Override
  public void registerMetrics(io.egressjava.core.metrics.EgressMetrics metrics) {
    io.egressjava.source.room.media.SubscriberMetrics.register(metrics, () -> room);
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    DaemonThreads.start("composite-join-" + plan.egressId(), this::join);
  }

  private void join() {
    try {
      room = RoomSubscriber.join(plan.wsUrl(), plan.token(), new Events(), null, JOIN_TIMEOUT);
      joinedNanos = System.nanoTime();
      room.participants().forEach(this::consider);
      var e = plan.encoding();
      synchronized (lock) {
        if (stopped) {
          return;
        }
        compositor = new Compositor(e.width(), e.height(), Compositor.black()); // (each picture says its background)
        ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("composite-" + plan.egressId()));
        long period = Math.round(1e9 / e.framerate());
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
      }
    } catch (IOException | RuntimeException e) {
      if (!stopped) {
        receiver.failed(new PsrpcException(PsrpcCode.UNAVAILABLE, String.valueOf(e.getMessage())));
      }
    }
  }

  /** Subscribes to the participant's cameras and screen shares not yet subscribed. */
  private synchronized void consider(LivekitModels.ParticipantInfo p) {
    RoomSubscriber r = room;
    if (r == null || stopped || p.getPermission().getHidden() || p.getPermission().getRecorder()) {
      return;
    }
    long order = people.update(p);
    for (LivekitModels.TrackInfo t : p.getTracksList()) {
      TileState known = tiles.get(t.getSid());
      if (known != null && known.muted != t.getMuted()) {
        muted(known, t.getMuted());
      }
      if (t.getType() != TrackType.VIDEO || known != null) {
        continue;
      }
      MediaCodec codec = MediaCodec.ofMime(t.getMimeType());
      if (codec == null) {
        log.warn("{}: track {} has unsupported codec {}", plan.egressId(), t.getSid(), t.getMimeType());
        continue;
      }
      boolean screen = t.getSource() == TrackSource.SCREEN_SHARE;
      TileState s = new TileState(t.getSid(), p.getIdentity(), screen, screen ? order + 1 : order, codec);
      s.muted = t.getMuted();
      tiles.put(t.getSid(), s);
      log.info("{}: subscribing to video {} of {}", plan.egressId(), t.getSid(), p.getIdentity());
      r.subscribe(t.getSid());
    }
  }

  /** A muted camera shows its placeholder; its last picture is dropped, so an unmute does not show it stale. */
  private void muted(TileState s, boolean muted) {
    log.info("{}: video {} of {} {}", plan.egressId(), s.sid, s.identity, muted ? "muted" : "unmuted");
    s.muted = muted; // (a picture decoded after this is not held)
    if (muted) {
      synchronized (lock) {
        s.dropPictures();
      }
    }
  }

  private final class Events implements RoomSubscriber.Listener {
    @Override
    public void onParticipant(LivekitModels.ParticipantInfo participant) {
      if (participant.getState() != LivekitModels.ParticipantInfo.State.DISCONNECTED) {
        consider(participant);
      } else {
        people.left(participant.getIdentity());
      }
    }

    @Override
    public void onFrame(String trackSid, String codecName, EncodedFrame frame) {
      TileState s = tiles.get(trackSid);
      if (s != null && !stopped) {
        // the schedule learns the arrival here, as the frame comes, not once it is decoded: a
        // decoder behind must not keep the on-time arrivals from the schedule while it settles
        Playout.Slot slot = s.playout.arrived(frame.rtpTimestamp(), System.nanoTime());
        try {
          decoding.execute(() -> decode(s, frame, slot));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // stopping: the frame is not needed
        }
      }
    }

    @Override
    public void onTrackEnded(String trackSid, String reason) {
      TileState s = tiles.remove(trackSid);
      if (s != null && !stopped) { // (once stopped, stop() releases every tile)
        log.info("{}: video {} ({})", plan.egressId(), trackSid, reason);
        decoding.execute(() -> release(s));
      }
    }

    @Override
    public void onSpeakers(List<String> identities) {
      log.debug("{}: the server's speakers, loudest first: {}", plan.egressId(), identities);
      if (hearsSpeech) {
        return; // the sound says it sooner (see heard)
      }
      synchronized (speakerLock) { // the composer reads it on its ticker (SpeakerFollower is not thread-safe)
        speakers.update(identities, System.nanoTime());
      }
    }

    @Override
    public void onOwnMetadata(String metadata) {
      try {
        LayoutControl next = LayoutControl.fromMetadata(metadata);
        if (next.laysOut()) { // (a control that only pauses or selects keeps the layout)
          if (!next.layout().isEmpty()) {
            layout = next.layout();
          }
          regions = next.regions();
        }
      } catch (IllegalArgumentException e) {
        log.debug("{}: metadata without a layout: {}", plan.egressId(), e.getMessage());
      }
      if (!stopped) {
        receiver.ownMetadata(metadata); // pause, resume, who is recorded: the runner's
      }
    }

    @Override
    public void onDisconnected(String reason) {
      if (!stopped) {
        receiver.ended();
      }
    }

    @Override
    public void onReplaced() {
      if (!stopped) {
        receiver.relinquished();
      }
    }

    @Override
    public void onConnectionLost(String reason) {
      if (!stopped) {
        receiver.failed(new PsrpcException(PsrpcCode.UNAVAILABLE, "recording ended early: connection to room failed"));
      }
    }
  }

  /**
   * How much later than its publisher's clock says (seconds) this participant's camera pictures are
   * shown, from the track's latest sender report; NaN before one came, or with no camera on show.
   */
  public double shownAfterSender(String identity) {
    RoomSubscriber r = room;
    if (r == null) {
      return Double.NaN;
    }
    for (TileState s : tiles.values()) {
      if (!s.screen && s.identity.equals(identity)) {
        var ref = r.clockReference(s.sid);
        return ref.isEmpty() ? Double.NaN : s.playout.showSecondsOf(ref.get().rtpTimestamp(), System.nanoTime()) - ref.get().senderSeconds();
      }
    }
    return Double.NaN;
  }

  /** Half the composer's frame: how long, on average, a picture due waits for the next composition. */
  public double halfFrameSeconds() {
    return 0.5 / plan.encoding().framerate();
  }

  /** On the decoding thread: the tile's latest picture becomes this one. */
  private void decode(TileState s, EncodedFrame frame, Playout.Slot slot) {
    if (s.decoder == null) {
      if (!frame.keyFrame()) {
        RoomSubscriber r = room;
        if (r != null && !s.askedKeyFrame) {
          s.askedKeyFrame = true; // once: the publisher answers with one soon
          r.requestKeyFrame(s.sid);
        }
        return;
      }
      s.decoder = new VideoDecoder(s.codec);
    }
    s.decoder.decode(frame.data(), frame.rtpTimestamp(), picture -> {
      if (!s.pictured) {
        s.pictured = true;
        log.info("{}: first picture of {} ({}x{}) {} ms after subscribing", plan.egressId(), s.identity, picture.width(),
            picture.height(), (System.nanoTime() - s.subscribedNanos) / 1_000_000);
      }
      AVFrame copy = org.bytedeco.ffmpeg.global.avutil.av_frame_clone(picture);
      // not under the composer's lock: it is held while a picture is drawn and encoded (the first
      // one opens the encoder), and decoding that waited for it fell 0.7 s behind at the start
      AVFrame dropped = s.hold(copy, slot);
      if (dropped != null) {
        org.bytedeco.ffmpeg.global.avutil.av_frame_free(dropped);
      }
    });
  }

  /** Each tile's latest picture whose time has come is the one shown (lock held). */
  private void advance(long now) {
    tiles.values().forEach(s -> s.advance(now));
  }

  private void release(TileState s) {
    synchronized (lock) {
      s.dropPictures();
      if (compositor != null) {
        compositor.forget(s.sid);
      }
    }
    if (s.decoder != null) {
      s.decoder.close();
      s.decoder = null;
    }
  }

  /** On the ticker: one output picture from every tile's latest. */
  private void tick() {
    try {
      long now = System.nanoTime();
      synchronized (lock) {
        if (stopped) {
          return;
        }
        advance(now);
        List<TileState> showing = new ArrayList<>();
        java.util.Set<String> pictured = new java.util.HashSet<>();
        int decoded = 0; // tiles with pictures (a tile's first second is held while its schedule settles: placeholders show)
        for (TileState s : tiles.values()) {
          decoded += s.hasPictures() ? 1 : 0;
          if (s.latest != null && !s.muted && filter.allows(s.identity, s.sid, false, s.screen)) {
            showing.add(s);
            if (!s.screen) {
              pictured.add(s.identity);
            }
          }
        }
        if (originNanos == 0) {
          if (decoded == 0 && now - joinedNanos < START_WITHOUT_PICTURES_NANOS) {
            return;
          }
          originNanos = now;
          log.info("{}: composing from {} ms after joining, {} tile(s) with pictures ({} on show, the others settling)",
              plan.egressId(), (now - joinedNanos) / 1_000_000, decoded, showing.size());
          origin.accept(now);
          receiver.flowing();
        }
        draw(showing, people.placeholders(pictured, identity -> filter.allows(identity, "", false, false)), now);
        receiver.video(AvPicture.of(compositor.frame()), (now - originNanos) / 1e9);
      }
    } catch (RuntimeException e) {
      log.error("{}: composing failed", plan.egressId(), e);
      if (!stopped) {
        receiver.failed(new PsrpcException(PsrpcCode.INTERNAL, "composing failed: " + e.getMessage()));
      }
    }
  }

  private void draw(List<TileState> showing, List<Tile> placeholders, long now) {
    var e = plan.encoding();
    List<Tile> list = new ArrayList<>(placeholders);
    showing.forEach(s -> list.add(new Tile(s.sid, s.identity, s.screen, s.joined)));
    String speaker;
    synchronized (speakerLock) {
      speaker = speakers.at(now);
    }
    if (speaker != null && !speaker.equals(shownSpeaker)) {
      log.info("{}: speaker {} (was {})", plan.egressId(), speaker, shownSpeaker); // (the speaker layouts' main area)
      shownSpeaker = speaker;
    }
    RegionLayout data = regions;
    List<Placement> placements = data != null
        ? Placements.regions(data, list, speaker, e.width(), e.height())
        : Placements.builtIn(BuiltInLayouts.effective(layout, list.stream().anyMatch(Tile::screen)), list, speaker, e.width(),
            e.height());
    boolean light = layout.endsWith("-light");
    compositor.clear(data != null && data.background() >= 0 ? Compositor.yuv(data.background())
        : light ? Compositor.light() : Compositor.black());
    people.forgetGone().forEach(compositor::forget); // (a long meeting's comings and goings hold nothing)
    Map<String, TileState> byId = new HashMap<>();
    showing.forEach(s -> byId.put(s.sid, s));
    for (Placement p : placements) {
      Box a = p.area();
      if (p.background() >= 0) {
        compositor.paint(a.x(), a.y(), a.w(), a.h(), Compositor.yuv(p.background()));
      }
      Box b = p.box();
      if (p.tileId() == null || b.w() < 2 || b.h() < 2) {
        continue;
      }
      if (PeopleOnShow.isPlaceholder(p.tileId())) {
        compositor.draw(p.tileId(), people.picture(p.tileId(), b.w(), b.h(), light), b.x(), b.y(), b.w(), b.h(), false);
        continue;
      }
      TileState s = byId.get(p.tileId());
      compositor.draw(s.sid, s.latest, b.x(), b.y(), b.w(), b.h(), p.cover());
      if (b.w() != s.wantW || b.h() != s.wantH) { // the simulcast layer that fits the box
        s.wantW = b.w();
        s.wantH = b.h();
        RoomSubscriber r = room;
        if (r != null) {
          r.preferSize(s.sid, b.w(), b.h());
        }
      }
    }
  }

  /** Left-out participants' tiles are not drawn; the others take their space. */
  @Override
  public boolean filter(TrackFilter filter) {
    this.filter = filter;
    return true;
  }

  @Override
  public double clockSeconds() {
    long o = originNanos;
    return o == 0 ? Double.NaN : (System.nanoTime() - o) / 1e9;
  }

  @Override
  public void requestKeyFrame() {
    RoomSubscriber r = room;
    if (r != null) {
      tiles.keySet().forEach(r::requestKeyFrame);
    }
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    ScheduledExecutorService t;
    synchronized (lock) {
      t = ticker;
    }
    if (t != null) {
      t.shutdown(); // a composition under way finishes (it may be inside the encoder)
      try {
        t.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    RoomSubscriber r = room;
    if (r != null) {
      r.close();
    }
    decoding.execute(() -> {
      tiles.values().forEach(this::release);
      synchronized (lock) {
        if (compositor != null) {
          compositor.close();
          compositor = null;
        }
        people.close();
      }
    });
    decoding.shutdown();
  }
}
