package io.egressjava.source.room.media;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.DaemonThreads;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.TrackFilter;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioDecoder;
import io.egressjava.media.ffmpeg.AudioMixer;
import io.egressjava.media.ffmpeg.AvPicture;
import io.egressjava.media.ffmpeg.VideoDecoder;
import io.egressjava.webrtc.RoomSubscriber;
import io.egressjava.webrtc.TrackReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decoded media straight from the SFU, no browser: the tracks a {@link TrackSelection} picks are
 * subscribed as they appear, decoded with FFmpeg and pushed into the pipeline on the egress clock.
 * One video track at most (a track composite or participant); its audio is lip-synced to it from
 * the publisher's capture times (abs-capture-time) or, failing those, sender reports. A room
 * composite mixes every audio track instead, each at its place on the clock, on a 20 ms tick.
 */
public final class RoomMediaSource implements MediaSource {
  private static final Logger log = LoggerFactory.getLogger(RoomMediaSource.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);
  private static final int MIX_SAMPLES = 960; // 20 ms at 48 kHz
  /** How far behind real time the mixer runs at least, so every input's packets have arrived. */
  private static final double MIX_LATENCY_SECONDS = 0.2;
  /**
   * How far behind it may run for an input whose sound has not come yet: a stall of this process
   * (a handler JVM still compiling, a loaded node) used to delay one track's decoding past the 0.2 s
   * and lose a second of it; a silent track (Opus DTX sends nothing) holds the mix this far back.
   */
  static final double MIX_WAIT_SECONDS = 1.0;

  private final EgressPlan plan;
  private final String token;
  private volatile java.util.function.ToDoubleFunction<String> audioDelay = identity -> 0;
  private volatile LevelListener levels;
  private final TrackSelection selection;
  private final InetAddress localAddress;
  private final Map<String, TrackState> tracks = new ConcurrentHashMap<>();
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private final Object pushLock = new Object();
  private final AudioMixer mixer = new AudioMixer();
  private final LipSync lipSync = new LipSync();
  /** Frames waiting to be decoded and encoded, one thread (its queue is the encoder queue metric). */
  private final java.util.concurrent.ThreadPoolExecutor decoding = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
      java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), DaemonThreads.named("room-decode"));
  private volatile Receiver receiver;
  private volatile RoomSubscriber room;
  private volatile boolean stopped;
  /** Time zero of the recording: the arrival of the first frame of any track (set under pushLock). */
  private volatile long originNanos;
  private volatile boolean originSet;
  private volatile boolean externalOrigin;
  private volatile TrackFilter filter = TrackFilter.NONE;
  /** Frames held during the start-up hold, in arrival order (under pushLock). */
  private final java.util.List<Arrived> held = new java.util.ArrayList<>();
  private boolean settled;
  private final java.util.concurrent.atomic.AtomicBoolean flowing = new java.util.concurrent.atomic.AtomicBoolean();
  private long firstArrivalNanos;
  private ScheduledExecutorService mixTimer;

  /** How long the first frames are held to find when each track really started. */
  static final long SETTLE_NANOS = 1_000_000_000L;

  private record Arrived(TrackState track, EncodedFrame frame, long arrivalNanos) {}

  /** @param localAddress where to receive media (ICE host candidate); null = routed towards the server */
  public RoomMediaSource(EgressPlan plan, InetAddress localAddress) {
    this(plan, plan.token(), localAddress);
  }

  /** @param token the join token (a room composite's sound joins beside its page, as its own participant) */
  public RoomMediaSource(EgressPlan plan, String token, InetAddress localAddress) {
    this.plan = plan;
    this.token = token;
    this.selection = TrackSelection.of(plan);
    this.localAddress = localAddress;
  }

  /** From now on, frames of tracks it excludes are recorded as silence or black; sound it adds is subscribed to. */
  @Override
  public boolean filter(TrackFilter filter) {
    this.filter = filter;
    RoomSubscriber r = room;
    if (r != null && !filter.added().isEmpty()) {
      r.participants().forEach(this::consider);
    }
    return true;
  }

  /** Seconds since time zero of the recording; NaN before it (read without locks: the runner holds its own). */
  @Override
  public double clockSeconds() {
    return originSet ? (System.nanoTime() - originNanos) / 1e9 : Double.NaN;
  }

  /**
   * Time zero of the recording comes from another source (the page capture of a room composite):
   * call before {@link #start}, then give the returned consumer that instant ({@link
   * System#nanoTime}). Nothing is recorded until then, nor anything from before it.
   */
  public java.util.function.LongConsumer originFromElsewhere() {
    externalOrigin = true;
    return nanos -> {
      synchronized (pushLock) {
        if (!originSet) {
          originNanos = nanos;
          originSet = true;
        }
      }
    };
  }

  /**
   * How much later than its own clock says each participant's sound is mixed (seconds, by
   * identity): a room composite's sound waits for the picture Chrome shows of the same moment.
   */
  public void delayAudio(java.util.function.ToDoubleFunction<String> secondsByIdentity) {
    this.audioDelay = secondsByIdentity;
  }

  /** Told the level of each decoded packet of the mix, by participant (a speaker layout's speech detection). */
  @FunctionalInterface
  public interface LevelListener {
    /** @param rms 0..1 of full scale; {@code decodedNanos} System.nanoTime when the packet was decoded */
    void heard(String identity, double rms, long decodedNanos);
  }

  /** Who is told each mixed packet's level (set before start). */
  public void onLevels(LevelListener listener) {
    this.levels = listener;
  }

  /**
   * How much later than its publisher's clock says (seconds) this participant's microphone is
   * mixed, before any {@link #delayAudio} delay; NaN before the track's first sender report.
   */
  public double mixedAfterSender(String identity) {
    RoomSubscriber r = room;
    return r == null ? Double.NaN : tracks.values().stream()
        .filter(s -> s.pick.track().getSource() == LivekitModels.TrackSource.MICROPHONE && s.pick.participantIdentity().equals(identity))
        .mapToDouble(s -> s.placedAfterSender(r)).findFirst().orElse(Double.NaN);
  }

  @Override
  public void registerMetrics(io.egressjava.core.metrics.EgressMetrics metrics) {
    RoomMediaMetrics.register(metrics, () -> room, tracks, decoding, this::mixedAfterSender);
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    DaemonThreads.start("room-source-" + plan.egressId(), this::join);
  }

  private void join() {
    try {
      room = RoomSubscriber.join(plan.wsUrl(), token, new Events(), localAddress, JOIN_TIMEOUT);
      room.participants().forEach(this::consider);
      if (selection.mixesAudio()) {
        mixTimer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("room-mix-" + plan.egressId()));
        mixTimer.scheduleAtFixedRate(this::mixTick, 20, 20, TimeUnit.MILLISECONDS);
      }
    } catch (IOException | RuntimeException e) {
      if (!stopped) {
        receiver.failed(new PsrpcException(PsrpcCode.UNAVAILABLE, String.valueOf(e.getMessage())));
      }
    }
  }

  /** Subscribes to what the selection wants of this participant and is not subscribed yet. */
  private synchronized void consider(LivekitModels.ParticipantInfo p) {
    RoomSubscriber r = room;
    if (r == null || stopped) {
      return;
    }
    for (TrackSelection.Pick pick : selection.pick(p, filter)) {
      if (tracks.containsKey(pick.track().getSid()) || ended.contains(pick.track().getSid())) {
        continue;
      }
      MediaCodec codec = MediaCodec.ofMime(pick.track().getMimeType());
      if (codec == null) {
        log.warn("{}: track {} has unsupported codec {}", plan.egressId(), pick.track().getSid(), pick.track().getMimeType());
        continue;
      }
      if (pick.video() && tracks.values().stream().anyMatch(s -> s.pick.video())) {
        continue; // one picture: the first video track the selection picked
      }
      if (!pick.video() && !selection.mixesAudio() && tracks.values().stream().anyMatch(s -> !s.pick.video())) {
        continue; // one sound followed closely (lip sync): the first audio track the selection picked
      }
      tracks.put(pick.track().getSid(), new TrackState(pick, codec));
      if (!pick.video() && selection.mixesAudio()) {
        mixer.addInput(pick.track().getSid());
      }
      log.info("{}: subscribing to {} {} of {}", plan.egressId(), pick.track().getType(), pick.track().getSid(),
          pick.participantIdentity());
      r.subscribe(pick.track().getSid());
    }
  }

  private final class Events implements RoomSubscriber.Listener {
    @Override
    public void onParticipant(LivekitModels.ParticipantInfo participant) {
      if (participant.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED) {
        if (selection.endsWith(participant)) {
          log.info("{}: participant {} left", plan.egressId(), participant.getIdentity());
          sourceEnded();
        }
        return;
      }
      consider(participant);
    }

    @Override
    public void onFrame(String trackSid, String codecName, EncodedFrame frame) {
      TrackState s = tracks.get(trackSid);
      if (s != null && !stopped) {
        // the arrival is taken here, on the network thread; decoding and encoding run on their own
        // thread, so a slow start (codecs opening, a cold JIT) neither delays reading the socket nor
        // makes frames look as if they arrived late, in a burst
        long arrival = System.nanoTime();
        decoding.execute(() -> decode(s, frame, arrival));
      }
    }

    @Override
    public void onTrackEnded(String trackSid, String reason) {
      TrackState s = tracks.remove(trackSid);
      if (s == null) {
        return;
      }
      ended.add(trackSid);
      log.info("{}: {} {} ({})", plan.egressId(), s.pick.track().getType(), trackSid, reason);
      mixer.removeInput(trackSid);
      synchronized (pushLock) {
        s.close();
      }
      if (selection.endsWithItsTracks() && tracks.isEmpty()) {
        sourceEnded();
      }
    }

    @Override
    public void onDisconnected(String reason) {
      sourceEnded();
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

  private void sourceEnded() {
    if (!stopped) {
      receiver.ended();
    }
  }

  private void decode(TrackState s, EncodedFrame frame, long arrivalNanos) {
    if (!flowing.get() && !stopped && flowing.compareAndSet(false, true)) { // a plain read per frame after the first
      receiver.flowing(); // recorded from this frame on, though the first second is held below
    }
    synchronized (pushLock) {
      if (stopped) {
        return;
      }
      if (!settled) {
        // the first second is held: the SFU starts a subscription with a burst of what it has
        // queued (~0.8 s arriving within milliseconds), and only frames that came on time say
        // when each track really started
        if (held.isEmpty()) {
          firstArrivalNanos = arrivalNanos;
        }
        s.clock.observe(frame.rtpTimestamp(), arrivalNanos);
        held.add(new Arrived(s, frame, arrivalNanos));
        // (with time zero from elsewhere, the hold lasts until it is known)
        if (arrivalNanos - firstArrivalNanos >= SETTLE_NANOS && (originSet || !externalOrigin)) {
          flushHeld();
        }
        return;
      }
      place(s, frame, arrivalNanos);
    }
  }

  /**
   * Ends the start-up hold: every track seen so far knows its start, time zero is the earliest,
   * and the held frames are placed in the order they arrived, so no track runs ahead of another
   * (the pipeline would fill the lagging one with silence). Tracks that start later are placed
   * from their own first arrival: a new subscription has no backlog to settle.
   */
  private void flushHeld() {
    settled = true;
    long origin = Long.MAX_VALUE;
    for (Arrived a : held) {
      if (!a.track().clock.isSettled()) {
        a.track().clock.settle();
      }
      origin = Math.min(origin, a.track().clock.baseArrivalNanos());
    }
    if (origin != Long.MAX_VALUE) {
      startClockAt(origin);
    }
    for (Arrived a : held) {
      if (tracks.get(a.track().pick.track().getSid()) == a.track()) { // not ended meanwhile
        place(a.track(), a.frame(), a.arrivalNanos());
      }
    }
    held.clear();
  }

  /** Time zero of the recording is the start of the first track: no second of nothing at the start. */
  private void startClockAt(long nanos) {
    if (!originSet && !externalOrigin) {
      originNanos = nanos;
      originSet = true;
    }
  }

  private void place(TrackState s, EncodedFrame frame, long arrivalNanos) {
    int rebases = s.clock.rebases();
    double seconds = s.clock.seconds(frame.rtpTimestamp(), arrivalNanos, originNanos, frame.delayed());
    if (s.clock.rebases() != rebases) {
      log.info("{}: {} {} re-anchored at its arrival ({} s): its RTP time paused or jumped", plan.egressId(),
          s.pick.track().getType(), s.pick.track().getSid(), String.format(java.util.Locale.ROOT, "%.3f", seconds));
    }
    boolean shown = LeftOut.shown(filter, s.pick);
    if (s.pick.video()) {
      if (s.video == null) {
        if (!frame.keyFrame()) {
          return;
        }
        s.video = new VideoDecoder(s.codec);
      }
      // still decoded while left out: it shows again from the next frame, not the next key frame
      s.video.decode(frame.data(), frame.rtpTimestamp(), picture -> receiver.video(shown ? AvPicture.of(picture) : LeftOut.BLACK, seconds));
    } else if (selection.mixesAudio()) {
      mix(s, frame, seconds, shown);
    } else {
      if (s.audio == null) {
        s.audio = new AudioDecoder(s.codec, 2);
      }
      s.audio.decode(frame.data(), (pcm, length) -> receiver.audio(shown ? pcm : LeftOut.silence(pcm, length), length, seconds));
    }
    lipSync.resync(tracks.values(), s, room, plan.egressId());
  }

  /** A room's audio track goes into the mix at its place on the clock (plus its delay, if any). */
  private void mix(TrackState s, EncodedFrame frame, double seconds, boolean heard) {
    if (s.audio == null) {
      s.audio = new AudioDecoder(s.codec, 2);
    }
    String id = s.pick.track().getSid();
    double delay = audioDelay.applyAsDouble(s.pick.participantIdentity());
    long[] at = {Math.round(seconds * 48_000)};
    LevelListener l = levels;
    s.audio.decode(frame.data(), (pcm, length) -> {
      if (l != null && heard) { // one left out is not heard, so never shown as the speaker either
        l.heard(s.pick.participantIdentity(), io.egressjava.templates.layout.SpeechDetector.rms(pcm, length), System.nanoTime());
      }
      DelayGlide.Placed placed = s.delay.place(at[0], heard ? pcm : LeftOut.silence(pcm, length), length, delay);
      mixer.write(id, placed.position(), placed.pcm(), placed.length());
      at[0] += length / 4;
    });
  }

  /** Audio-only composite: every 20 ms, mix what each input has and push it at the mixer's clock. */
  private void mixTick() {
    synchronized (pushLock) {
      if (stopped || mixer.inputCount() == 0 || !originSet) {
        return;
      }
      mixTo(mixUntil((System.nanoTime() - originNanos) / 1e9, mixer.heardUntil() / 48_000.0));
    }
  }

  /** Pushes the mix in 20 ms pieces up to {@code until} seconds (pushLock held). */
  private void mixTo(double until) {
    while ((mixer.position() + MIX_SAMPLES) / 48_000.0 <= until) {
      double at = mixer.position() / 48_000.0;
      byte[] out = new byte[MIX_SAMPLES * 4];
      int n = mixer.mix(MIX_SAMPLES, out);
      receiver.audio(out, n, at);
    }
  }

  /**
   * The egress is stopping: frames still held at the start are placed, and the sound already given
   * to the mixer (up to the furthest input, at most now) is mixed out, not cut off with the
   * mixer's latency.
   */
  @Override
  public void flush() {
    synchronized (pushLock) {
      if (stopped) {
        return;
      }
      if (!settled && !held.isEmpty() && (originSet || !externalOrigin)) {
        flushHeld(); // stopped while the start was held (the egress is ACTIVE from its first frame): recorded
      }
      if (mixTimer == null || mixer.inputCount() == 0 || !originSet) {
        return;
      }
      double clock = (System.nanoTime() - originNanos) / 1e9;
      mixTo(Math.min(clock, mixer.writtenUntil() / 48_000.0));
    }
  }

  /**
   * Where the mix may go at {@code clockSeconds}: {@value #MIX_LATENCY_SECONDS} s behind, and no
   * further than every input's sound has come ({@code heardSeconds}), unless that is more than
   * {@value #MIX_WAIT_SECONDS} s behind.
   */
  static double mixUntil(double clockSeconds, double heardSeconds) {
    return Math.min(clockSeconds - MIX_LATENCY_SECONDS, Math.max(heardSeconds, clockSeconds - MIX_WAIT_SECONDS));
  }

  /**
   * Sound is placed by RTP time, which does not jitter: 5 ms lets lip sync follow a publisher's
   * drifting audio clock (a few tens of ms per 10 minutes were seen) in 5 ms silences or trims.
   */
  @Override
  public double audioJitterSeconds() {
    return 0.005;
  }

  /**
   * A mix comes up to {@link #MIX_WAIT_SECONDS} behind real time, on a 20 ms tick. A track's own
   * sound may come as late as its receiver holds packets back behind a gap: after a network outage
   * the pictures come back at once (their gap is retransmitted), while the sound after the gap
   * waits for its NACKs; with less, the sound behind the outage was filled with silence and then
   * dropped as late, a second more lost than the outage took.
   */
  @Override
  public double audioLatenessSeconds() {
    return selection.mixesAudio() ? MIX_WAIT_SECONDS + 0.5
        : TrackReceiver.LONGEST_HOLD_SECONDS + MediaSource.super.audioLatenessSeconds();
  }

  @Override
  public void stop() {
    stopped = true;
    decoding.shutdown();
    if (mixTimer != null) {
      mixTimer.shutdownNow();
      long late = mixer.droppedLate();
      if (late > 0) {
        log.warn("{}: {} ms of sound came after its place in the mix was taken (silence there; {})", plan.egressId(),
            late / 48, mixer.lateSummary());
      }
    }
    RoomSubscriber r = room;
    if (r != null) {
      r.close();
    }
    synchronized (pushLock) {
      tracks.values().forEach(TrackState::close);
      tracks.clear();
    }
  }
}
