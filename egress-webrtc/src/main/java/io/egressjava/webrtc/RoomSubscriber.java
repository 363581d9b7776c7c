package io.egressjava.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.webrtc.dtls.DtlsCertificate;
import io.egressjava.webrtc.rtp.RtcpParser;
import io.egressjava.webrtc.rtp.RtcpRecord;
import io.egressjava.webrtc.sdp.AnswerBuilder;
import io.egressjava.webrtc.sdp.OfferedStreams;
import io.egressjava.webrtc.sdp.SessionDescription;
import io.egressjava.webrtc.signal.SignalClient;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden, subscribe-only participant: signalling (join, answer every subscriber offer, trickle,
 * subscriptions by track SID, resume), the room's state and events ({@link RoomRoster}), the
 * {@link PeerTransport} and one {@link TrackReceiver} per incoming stream, which turns RTP into
 * whole encoded frames. Listener calls come from the
 * transport's reader thread (frames) and the signalling thread (track and room events).
 */
public final class RoomSubscriber implements RoomConnection {
  private static final Logger log = LoggerFactory.getLogger(RoomSubscriber.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Video codecs we depacketize (H.265 is not: its publishers get SE_CODEC_UNSUPPORTED). */
  static final Set<String> VIDEO_CODECS = Set.of("vp8", "vp9", "h264", "av1");

  /** What the egress gets from the room. */
  public interface Listener {
    /** A whole frame of a subscribed track; {@code codec} is the lower-case encoding name. */
    void onFrame(String trackSid, String codec, EncodedFrame frame);

    /** The track was unpublished or its participant left. */
    default void onTrackEnded(String trackSid, String reason) {}

    /** A participant as joined or last updated (tracks published, muted, unpublished). */
    default void onParticipant(LivekitModels.ParticipantInfo participant) {}

    /** The first packet of a subscribed track arrived: the subscription is up and media flows. */
    default void onTrackStarted(String trackSid) {}

    /** The publisher muted or unmuted a track. */
    default void onTrackMuted(String trackSid, boolean muted) {}

    /**
     * Our own participant's metadata changed: livekit-server's UpdateLayout sets it to
     * {@code {"layout":"<layout>"}} on the participant whose identity is the egress ID.
     */
    default void onOwnMetadata(String metadata) {}

    /** The server removed us (room closed or deleted, participant removed, server shutdown). */
    default void onDisconnected(String reason) {}

    /**
     * Another participant joined with our identity and the server removed us (DUPLICATE_IDENTITY:
     * for an egress, livekit-server dispatched it twice and the other instance owns it now).
     */
    default void onReplaced() {
      onDisconnected(LivekitModels.DisconnectReason.DUPLICATE_IDENTITY.name());
    }

    /** The signalling connection dropped and every resume failed. */
    default void onConnectionLost(String reason) {}

    /** The server could not subscribe us to a track. */
    default void onSubscriptionFailed(String trackSid, String error) {}

    /** Who is speaking now, by participant identity, loudest first (empty when nobody is). */
    default void onSpeakers(List<String> identities) {}
  }

  private final Listener listener;
  private final PeerTransport transport;
  private final long rtcpSsrc = new java.security.SecureRandom().nextInt() & 0xFFFFFFFFL;
  private final Map<Long, TrackReceiver> receivers = new ConcurrentHashMap<>();
  private final RoomRoster roster;
  private final AtomicLong answerVersion = new AtomicLong(1);
  private final ScheduledFuture<?> rtcpTimer;
  private volatile OfferedStreams streams = OfferedStreams.of(SessionDescription.parse(""));
  private static final int RESUME_ATTEMPTS = 10;
  private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(5);
  private volatile SignalClient signal;
  private volatile String wsUrl;
  private volatile String token;
  private volatile String participantSid;
  private volatile int resumes;
  /** Connections being opened: closing releases their waiting messages. */
  private final Set<java.util.concurrent.CompletableFuture<Void>> gates = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Signal messages are handled in order on one thread of our own, never on the WebSocket's. */
  private final java.util.concurrent.ExecutorService signalThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "room-signal");
    t.setDaemon(true);
    return t;
  });
  private volatile AnswerBuilder answers;
  private volatile boolean closed;

  private RoomSubscriber(Listener listener, InetAddress localAddress) {
    this.listener = listener;
    this.roster = new RoomRoster(listener);
    this.transport = new PeerTransport("subscriber", localAddress, new PeerTransport.Listener() {
      @Override
      public void onRtp(byte[] packet, int length) {
        RoomSubscriber.this.onRtp(packet, length);
      }

      @Override
      public void onRtcp(byte[] packet, int length) {
        RoomSubscriber.this.onRtcp(packet, length);
      }

      @Override
      public void onDrained(long nowNanos) {
        for (TrackReceiver r : receivers.values()) {
          r.onDrained(nowNanos);
        }
      }
    });
    rtcpTimer = RtcTimers.scheduleAtFixedRate(this::rtcpTick, 20, 20, TimeUnit.MILLISECONDS);
  }

  /**
   * Joins the room with {@code token} and waits until the subscriber connection is up (ICE + DTLS).
   * {@code localAddress}: the address to receive media on (our ICE host candidate); null = the
   * address this machine routes from towards the server.
   */
  public static RoomSubscriber join(String wsUrl, String token, Listener listener, InetAddress localAddress,
      Duration timeout) throws IOException {
    io.egressjava.webrtc.srtp.SrtpSession.prepareInBackground(); // done before the first packet needs it
    InetAddress local = localAddress != null ? localAddress
        : PeerTransport.localAddressToward(java.net.URI.create(wsUrl.replaceFirst("^http", "ws")).getHost());
    RoomSubscriber s = new RoomSubscriber(listener, local);
    try {
      s.wsUrl = wsUrl;
      s.token = token;
      s.signal = s.install(listener2 -> SignalClient.connect(wsUrl, token, listener2, timeout));
      s.participantSid = s.signal.joinResponse().getParticipant().getSid();
      s.watch(s.signal);
      s.transport.connected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return s;
    } catch (Exception e) {
      s.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      // a timeout has no message: "cannot connect to the room: null" told operators nothing
      String why = cause instanceof java.util.concurrent.TimeoutException
          ? "media connection (ICE, DTLS) not up within " + timeout.toSeconds() + " s"
          : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      throw new IOException("cannot connect to the room: " + why, cause);
    }
  }

  /**
   * When the socket drops, resume (webrtc-receive.md §1.7–1.8): media keeps flowing meanwhile, since
   * the server keeps a participant whose peer connection is up. Up to 10 tries, n² × 300 ms apart
   * as the Go SDK does; the first at once when the server itself asked for the resume (it is up, and
   * media waits for the ICE restart that follows: after a network outage, every 300 ms is lost).
   */
  private void watch(SignalClient client) {
    client.closedFuture().thenRunAsync(() -> {
      if (closed || roster.removed()) {
        return;
      }
      log.warn("signal connection to {} dropped; resuming", wsUrl);
      for (int attempt = 1; attempt <= RESUME_ATTEMPTS && !closed; attempt++) {
        try {
          long until = System.nanoTime() + Math.min(attempt * attempt * 300L, 10_000L) * 1_000_000L;
          // the server's leave may be read just after its socket closed
          while (System.nanoTime() < until && !(attempt == 1 && roster.resumeAsked())) {
            Thread.sleep(10);
          }
          roster.takeResumeAsked();
          if (roster.removed()) {
            return; // the socket closed because the server removed us: nothing to resume
          }
          SignalClient resumed = install(l -> SignalClient.resume(wsUrl, token, participantSid, l, RESUME_TIMEOUT));
          resumes++;
          log.info("signal connection resumed (attempt {})", attempt);
          watch(resumed);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          log.info("resume attempt {} failed: {}", attempt, e.getMessage());
        }
      }
      if (!closed) {
        listener.onConnectionLost("signal connection lost after " + RESUME_ATTEMPTS + " resume attempts");
      }
    });
  }

  /** Times the signalling connection was resumed. */
  public int resumes() {
    return resumes;
  }

  /** Drops the signalling socket without leaving, as a network failure would (tests). */
  public void dropSignalConnection() {
    signal.abort();
  }

  public LivekitRtc.JoinResponse joinResponse() {
    return signal.joinResponse();
  }

  @Override
  public Optional<Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo>> findTrack(String trackSid) {
    return roster.findTrack(trackSid);
  }

  @Override
  public List<LivekitModels.ParticipantInfo> participants() {
    return roster.participants();
  }

  /** Asks the SFU for the simulcast layer (or size) of a video track that fits {@code width}×{@code height}. */
  public void preferSize(String trackSid, int width, int height) {
    signal.send(SignalRequest.newBuilder().setTrackSetting(LivekitRtc.UpdateTrackSettings.newBuilder()
        .addTrackSids(trackSid).setWidth(width).setHeight(height)).build());
  }

  @Override
  public void subscribe(String... trackSids) {
    roster.subscribed(List.of(trackSids));
    signal.send(SignalRequest.newBuilder().setSubscription(LivekitRtc.UpdateSubscription.newBuilder()
        .setSubscribe(true).addAllTrackSids(List.of(trackSids))).build());
  }

  /** How a subscribed track's RTP time maps to its publisher's clock, if known yet. */
  public java.util.Optional<TrackReceiver.ClockReference> clockReference(String trackSid) {
    for (TrackReceiver r : receivers.values()) {
      if (r.trackSid().equals(trackSid) && r.clockReference() != null) {
        return java.util.Optional.of(r.clockReference());
      }
    }
    return java.util.Optional.empty();
  }

  @Override
  public void requestKeyFrame(String trackSid) {
    receivers.values().stream().filter(r -> r.trackSid().equals(trackSid)).forEach(TrackReceiver::requestKeyFrame);
  }

  /** Per-track receive counters, for tests and metrics. */
  @Override
  public Map<Long, TrackReceiver> receivers() {
    return Map.copyOf(receivers);
  }

  /**
   * Opens a signalling connection and makes it the one we answer on. Its messages can arrive
   * before the open returns (after a resume the server sends its ICE-restart offer at once): they
   * wait until then, or the answer would go out on the closed connection, never reach the server,
   * and the media would not come back.
   */
  private SignalClient install(java.util.function.Function<java.util.function.Consumer<SignalResponse>, SignalClient> open) {
    java.util.concurrent.CompletableFuture<Void> installed = new java.util.concurrent.CompletableFuture<>();
    gates.add(installed);
    try {
      SignalClient client = open.apply(r -> queueSignal(r, installed));
      signal = client;
      return client;
    } finally {
      installed.complete(null); // a failed open's messages (if any) are dropped by onSignal's checks
      gates.remove(installed);
    }
  }

  private void queueSignal(SignalResponse r, java.util.concurrent.CompletableFuture<Void> installed) {
    try {
      signalThread.execute(() -> {
        installed.join();
        if (!closed) {
          onSignal(r);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // a message that was in flight while we closed (the executor is shut down)
    }
  }

  private void onSignal(SignalResponse r) {
    if (roster.onSignal(r)) {
      return;
    }
    switch (r.getMessageCase()) {
      case OFFER -> answer(r.getOffer());
      case TRICKLE -> {
        if (r.getTrickle().getTarget() == LivekitRtc.SignalTarget.SUBSCRIBER) {
          addCandidate(r.getTrickle().getCandidateInit());
        }
      }
      default -> log.trace("signal {}", r.getMessageCase());
    }
  }

  private synchronized void answer(LivekitRtc.SessionDescription offer) {
    try {
      SessionDescription sdp = SessionDescription.parse(offer.getSdp());
      SessionDescription.Media first = sdp.media().get(0);
      String ufrag = first.attribute("ice-ufrag").or(() -> sdp.sessionAttribute("ice-ufrag")).orElseThrow();
      String pwd = first.attribute("ice-pwd").or(() -> sdp.sessionAttribute("ice-pwd")).orElseThrow();
      if (answers != null && !ufrag.equals(transport.ice().remoteUfrag())) {
        // ICE restart after a resume: new remote credentials; our DTLS and SRTP stay (pion keeps them too)
        log.info("ICE restart requested by the server");
        transport.ice().setRemote(ufrag, pwd, sdp.iceLite());
      }
      if (answers == null) {
        String fingerprint = sdp.anyAttribute("fingerprint").orElseThrow(() -> new IllegalArgumentException("offer has no fingerprint"));
        if (!fingerprint.toLowerCase(java.util.Locale.ROOT).startsWith("sha-256 ")) {
          throw new IllegalArgumentException("unsupported fingerprint " + fingerprint);
        }
        transport.setRemoteFingerprint(fingerprint.substring("sha-256 ".length()));
        transport.ice().setRemote(ufrag, pwd, sdp.iceLite());
        answers = new AnswerBuilder(transport.ice().localUfrag(), transport.ice().localPassword(),
            DtlsCertificate.get().sdpFingerprint(), transport.ice().candidateLines(), VIDEO_CODECS);
      }
      for (SessionDescription.Media m : sdp.media()) {
        m.attributes("candidate").forEach(c -> transport.ice().addRemoteCandidate(c));
      }
      streams = OfferedStreams.of(sdp);
      String answer = answers.answer(sdp, answerVersion.incrementAndGet());
      signal.send(SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
          .setType("answer").setSdp(answer).setId(offer.getId())).build());
      log.debug("answered offer {} ({} streams)", offer.getId(), streams.all().size());
    } catch (RuntimeException e) {
      log.error("cannot answer the subscriber offer", e);
      listener.onDisconnected("cannot answer the subscriber offer: " + e.getMessage());
    }
  }

  private void addCandidate(String candidateInit) {
    try {
      JsonNode init = JSON.readTree(candidateInit);
      String candidate = init.path("candidate").asText("");
      if (!candidate.isEmpty()) {
        transport.ice().addRemoteCandidate(candidate);
      }
    } catch (IOException e) {
      log.debug("ignored trickle {}: {}", candidateInit, e.getMessage());
    }
  }

  private void onRtp(byte[] packet, int length) {
    long ssrc = ((long) (packet[8] & 0xFF) << 24) | ((packet[9] & 0xFF) << 16) | ((packet[10] & 0xFF) << 8) | (packet[11] & 0xFF);
    OfferedStreams.Stream stream = streams.get(ssrc);
    if (stream == null) {
      return; // before the offer naming it, or after it was removed (blank-frame flush)
    }
    long mediaSsrc = stream.mediaSsrc();
    OfferedStreams.Stream media = stream.rtx() ? streams.get(mediaSsrc) : stream;
    if (media == null || !roster.isSubscribed(media.trackSid())) {
      return;
    }
    TrackReceiver receiver = receivers.get(mediaSsrc);
    if (receiver == null) {
      receiver = new TrackReceiver(media, rtcpSsrc, transport::sendRtcp,
          frame -> listener.onFrame(media.trackSid(), frame.codec(), frame.frame()));
      receivers.put(mediaSsrc, receiver); // only the reader thread adds receivers
      listener.onTrackStarted(media.trackSid());
    }
    receiver.onRtp(packet, length, stream.rtx(), System.nanoTime());
  }

  private void onRtcp(byte[] packet, int length) {
    long now = System.nanoTime();
    List<RtcpRecord> records = RtcpParser.parse(packet, length);
    for (TrackReceiver r : receivers.values()) {
      r.onRtcp(records, now);
    }
  }

  private void rtcpTick() {
    long now = System.nanoTime();
    for (TrackReceiver r : receivers.values()) {
      r.tick(now);
    }
  }

  @Override
  public void close() {
    closed = true;
    long[] rtcp = transport.rtcpCounts();
    log.info("RTCP in: {} decrypted, {} rejected", rtcp[0], rtcp[1]);
    for (TrackReceiver r : receivers.values()) {
      log.info("track {} ({} ssrc {}): {} packets, {} NACKed, {} recovered ({} by RTX), {} lost, {} too late, {} frames, {} PLIs, sender report {}",
          r.trackSid(), r.kind(), r.ssrc(), r.packets(), r.nacksSent(), r.recovered(), r.retransmissions(), r.lost(), r.late(), r.frames(), r.plis(),
          r.lastSenderReport() != null);
    }
    rtcpTimer.cancel(false);
    gates.forEach(g -> g.complete(null));
    signalThread.shutdownNow();
    SignalClient s = signal;
    if (s != null) {
      s.close();
    }
    transport.close();
  }
}
