package io.egressjava.webrtc.publisher;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpEncodingParameters;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import io.egressjava.webrtc.signal.SignalClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test participant that publishes synthetic media into a LiveKit room through libwebrtc
 * (webrtc-java): per video track a {@link TestPattern} (frame counter, moving bar, white flash once
 * a second), and a {@link BeepSignal} microphone track (1 kHz for 100 ms at each flash). Signalling
 * is our own {@link SignalClient}; the subscriber connection the server opens for every participant
 * is answered with a second peer connection, as the SDKs do.
 *
 * <pre>{@code
 * try (JavaPublisher pub = JavaPublisher.builder(wsUrl, token)
 *     .video("camera", VideoCodec.VP8, 1280, 720, true).audio("microphone").build()) {
 *   List<LivekitModels.TrackInfo> tracks = pub.start();
 *   ...
 * }
 * }</pre>
 */
public final class JavaPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JavaPublisher.class);
  /**
   * Simulcast layers, smallest first as libvpx requires; libwebrtc names them RID 0, 1, 2 and
   * {@link SimulcastRids} reverses the names for livekit-server.
   */
  private static final double[] SIMULCAST_SCALES = {4, 2, 1};
  private static final LivekitModels.VideoQuality[] SIMULCAST_QUALITIES = {
      LivekitModels.VideoQuality.LOW, LivekitModels.VideoQuality.MEDIUM, LivekitModels.VideoQuality.HIGH};

  /** One video track: its name, codec, size of the top layer and whether to send three simulcast layers. */
  public record VideoSpec(String name, VideoCodec codec, int width, int height, boolean simulcast) {}

  private final String wsUrl;
  private final String token;
  private final int fps;
  private final Duration timeout;
  private final List<VideoSpec> videoSpecs;
  private final String audioName;

  /** The local MediaStreamTrack id of each track; it is the AddTrackRequest cid and the SDP msid track id. */
  private final Map<String, String> cidByName = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<LivekitModels.TrackInfo>> published = new ConcurrentHashMap<>();
  private final CompletableFuture<String> publisherAnswer = new CompletableFuture<>();
  private final CompletableFuture<SignalClient> signalReady = new CompletableFuture<>();
  /** Signal messages and our sends happen in order on this thread, never on WebSocket or libwebrtc threads. */
  private final ExecutorService signalThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "java-publisher-signal");
    t.setDaemon(true);
    return t;
  });

  private AudioDeviceModule audioDevice;
  private PeerConnectionFactory factory;
  private final List<CustomVideoSource> videoSources = new ArrayList<>();
  private final List<MediaStreamTrack> tracks = new ArrayList<>();
  private CustomAudioSource audioSource;
  private MediaPump pump;
  private volatile SignalClient signal;
  private volatile Peer publisher;
  private volatile Peer subscriber;
  private volatile boolean closed;

  private JavaPublisher(Builder b) {
    this.wsUrl = b.wsUrl;
    this.token = b.token;
    this.fps = b.fps;
    this.timeout = b.timeout;
    this.videoSpecs = List.copyOf(b.videos);
    this.audioName = b.audioName;
  }

  public static Builder builder(String wsUrl, String token) {
    return new Builder(wsUrl, token);
  }

  /**
   * Joins, publishes every track and returns once the server has accepted them all and the
   * publisher connection is up (media is flowing). The returned TrackInfos carry the track SIDs.
   */
  public List<LivekitModels.TrackInfo> start() throws IOException {
    try {
      createMedia();
      signal = SignalClient.connect(wsUrl, token, this::queueSignal, timeout);
      signalReady.complete(signal);
      publisher = new Peer(factory, LivekitRtc.SignalTarget.PUBLISHER, this::sendTrickle, timeout);
      List<SignalRequest> addTracks = addTransceivers();
      pump.start();
      addTracks.forEach(signal::send);
      List<LivekitModels.TrackInfo> infos = new ArrayList<>();
      for (String cid : cidByName.values()) {
        infos.add(await(published.get(cid), "track_published"));
      }
      // the offer and our candidates leave from the signal thread, so the candidates follow the offer
      await(CompletableFuture.runAsync(this::sendOffer, signalThread), "publisher offer");
      String answer = await(publisherAnswer, "publisher answer");
      await(CompletableFuture.runAsync(() -> applyAnswer(answer), signalThread), "apply publisher answer");
      await(publisher.connected(), "publisher connection");
      log.info("published {} via {}", infos.stream().map(t -> t.getName() + "=" + t.getSid()).toList(), wsUrl);
      return infos;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The participant's own SID. */
  public String participantSid() {
    return signal.joinResponse().getParticipant().getSid();
  }

  /** Frames pushed into each video source so far. */
  public long framesPushed() {
    return pump == null ? 0 : pump.framesPushed();
  }

  /** 10 ms audio chunks pushed so far. */
  public long audioChunksPushed() {
    return pump == null ? 0 : pump.audioChunksPushed();
  }

  /**
   * After {@link #start()}: one line per outbound RTP stream of the publisher connection (kind, rid, size, frames or
   * packets sent, why libwebrtc limits quality), to see what libwebrtc actually sends.
   */
  public List<String> senderStats() throws IOException {
    CompletableFuture<RTCStatsReport> report = new CompletableFuture<>();
    publisher.connection().getStats(report::complete);
    List<String> lines = new ArrayList<>();
    for (RTCStats s : await(report, "stats").getStats().values()) {
      if (s.getType() == RTCStatsType.OUTBOUND_RTP) {
        Map<String, Object> a = s.getAttributes();
        lines.add(a.get("kind") + " rid=" + a.get("rid") + " " + a.get("frameWidth") + "x" + a.get("frameHeight")
            + " frames=" + a.get("framesSent") + " packets=" + a.get("packetsSent") + " bytes=" + a.get("bytesSent")
            + " limit=" + a.get("qualityLimitationReason") + " encoder=" + a.get("encoderImplementation")
            + " active=" + a.get("active"));
      }
    }
    return lines;
  }

  private void createMedia() {
    // libwebrtc's dummy ADM never records: the headless ADM of webrtc-java 0.14.0 runs a capture
    // thread that would feed silence into the same send stream as CustomAudioSource, and the two
    // concurrent writers trip a fatal libwebrtc check that kills the JVM
    audioDevice = new AudioDeviceModule(AudioLayer.kDummyAudio);
    factory = new PeerConnectionFactory(audioDevice);
    // No SyncClock: with it, webrtc-java 0.14.0 stamps capture times on another time base than
    // libwebrtc's RTCP sender uses, and every sender report's RTP time is hours off the packets'
    // (the SFU logs "clock skew against media path" and drops the audio down track's reports).
    // Without it both sources are stamped with libwebrtc's monotonic clock at push time — the same
    // instant for the flash frame and the beep chunk, which the pump pushes together.
    List<MediaPump.VideoOutput> outputs = new ArrayList<>();
    for (VideoSpec v : videoSpecs) {
      CustomVideoSource source = new CustomVideoSource();
      videoSources.add(source);
      String cid = "jpub-" + v.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
      tracks.add(factory.createVideoTrack(cid, source));
      cidByName.put(v.name(), cid);
      outputs.add(new MediaPump.VideoOutput(source, new TestPattern(v.width(), v.height(), fps)));
    }
    if (audioName != null) {
      audioSource = new CustomAudioSource();
      String cid = "jpub-" + audioName + "-" + UUID.randomUUID().toString().substring(0, 8);
      tracks.add(factory.createAudioTrack(cid, audioSource));
      cidByName.put(audioName, cid);
    }
    pump = new MediaPump(fps, outputs, audioSource);
  }

  /** Adds one send-only transceiver per track with its codec preference; returns the AddTrackRequests. */
  private List<SignalRequest> addTransceivers() {
    List<SignalRequest> requests = new ArrayList<>();
    List<RTCRtpCodecCapability> videoCaps = factory.getRtpSenderCapabilities(MediaType.VIDEO).getCodecs();
    for (int i = 0; i < videoSpecs.size(); i++) {
      VideoSpec v = videoSpecs.get(i);
      RTCRtpTransceiverInit init = sendOnly();
      if (v.simulcast()) {
        init.sendEncodings = new ArrayList<>();
        for (double scale : SIMULCAST_SCALES) {
          RTCRtpEncodingParameters e = new RTCRtpEncodingParameters();
          e.active = true;
          e.scaleResolutionDownBy = scale;
          init.sendEncodings.add(e);
        }
      }
      RTCRtpTransceiver t = publisher.connection().addTransceiver(tracks.get(i), init);
      t.setCodecPreferences(v.codec().preferences(videoCaps));
      requests.add(addVideoTrack(v, cidByName.get(v.name())));
    }
    if (audioName != null) {
      RTCRtpTransceiver t = publisher.connection().addTransceiver(tracks.get(tracks.size() - 1), sendOnly());
      t.setCodecPreferences(factory.getRtpSenderCapabilities(MediaType.AUDIO).getCodecs().stream()
          .filter(c -> c.getName().equalsIgnoreCase("opus")).toList());
      String cid = cidByName.get(audioName);
      requests.add(SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
          .setCid(cid).setName(audioName).setType(LivekitModels.TrackType.AUDIO)
          .setSource(LivekitModels.TrackSource.MICROPHONE)
          // plain Opus (no RED) and no DTX: one packet every 20 ms, also in the silence between beeps
          .setDisableRed(true).addAudioFeatures(LivekitModels.AudioTrackFeature.TF_NO_DTX)).build());
    }
    cidByName.values().forEach(cid -> published.put(cid, new CompletableFuture<>()));
    return requests;
  }

  private RTCRtpTransceiverInit sendOnly() {
    RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
    init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
    init.streamIds = List.of("jpub-stream");
    return init;
  }

  private static SignalRequest addVideoTrack(VideoSpec v, String cid) {
    List<LivekitModels.VideoLayer> layers = new ArrayList<>(); // low to high, as the SDKs list them
    for (int i = v.simulcast() ? 0 : SIMULCAST_SCALES.length - 1; i < SIMULCAST_SCALES.length; i++) {
      layers.add(LivekitModels.VideoLayer.newBuilder().setQuality(SIMULCAST_QUALITIES[i])
          .setWidth((int) (v.width() / SIMULCAST_SCALES[i])).setHeight((int) (v.height() / SIMULCAST_SCALES[i])).build());
    }
    // one spatial layer per RTP stream also for VP9: webrtc-java 0.14.0 cannot ask for SVC (no
    // scalabilityMode), and livekit-server would otherwise assume VP9 carries several
    LivekitRtc.SimulcastCodec.Builder codec = LivekitRtc.SimulcastCodec.newBuilder()
        .setCodec(v.codec().mimeType()).setCid(cid).addAllLayers(layers)
        .setVideoLayerMode(LivekitModels.VideoLayer.Mode.ONE_SPATIAL_LAYER_PER_STREAM);
    return SignalRequest.newBuilder().setAddTrack(LivekitRtc.AddTrackRequest.newBuilder()
        .setCid(cid).setName(v.name()).setType(LivekitModels.TrackType.VIDEO)
        .setSource(LivekitModels.TrackSource.CAMERA)
        .setWidth(v.width()).setHeight(v.height())
        .addAllLayers(layers)
        .addSimulcastCodecs(codec)).build();
  }

  private void sendOffer() {
    try {
      boolean simulcast = videoSpecs.stream().anyMatch(VideoSpec::simulcast);
      String sdp = publisher.createOffer(simulcast ? SimulcastRids::reverseNumericRids : offer -> offer);
      log.trace("publisher offer:\n{}", sdp);
      signal.send(SignalRequest.newBuilder().setOffer(LivekitRtc.SessionDescription.newBuilder()
          .setType("offer").setSdp(sdp)).build());
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private void applyAnswer(String sdp) {
    try {
      publisher.applyAnswer(sdp);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Called on libwebrtc's thread: hand the candidate to the signal thread (never throw back into native code). */
  private void sendTrickle(LivekitRtc.TrickleRequest trickle) {
    runOnSignalThread(() -> signal.send(SignalRequest.newBuilder().setTrickle(trickle).build()));
  }

  private void queueSignal(SignalResponse r) {
    runOnSignalThread(() -> onSignal(r));
  }

  private void runOnSignalThread(Runnable task) {
    if (closed) {
      return;
    }
    try {
      signalThread.execute(() -> {
        signalReady.join();
        if (!closed) {
          task.run();
        }
      });
    } catch (RejectedExecutionException e) {
      log.trace("closing: dropped a signal task");
    }
  }

  private void onSignal(SignalResponse r) {
    switch (r.getMessageCase()) {
      case ANSWER -> {
        log.trace("publisher answer:\n{}", r.getAnswer().getSdp());
        publisherAnswer.complete(r.getAnswer().getSdp());
      }
      case OFFER -> answerSubscriber(r.getOffer());
      case TRICKLE -> {
        Peer target = r.getTrickle().getTarget() == LivekitRtc.SignalTarget.PUBLISHER ? publisher : subscriber;
        if (target != null) {
          target.addRemoteCandidate(r.getTrickle().getCandidateInit());
        }
      }
      case TRACK_PUBLISHED -> {
        CompletableFuture<LivekitModels.TrackInfo> f = published.get(r.getTrackPublished().getCid());
        if (f != null) {
          f.complete(r.getTrackPublished().getTrack());
        }
      }
      case REQUEST_RESPONSE -> {
        LivekitRtc.RequestResponse rr = r.getRequestResponse();
        if (rr.getReason() != LivekitRtc.RequestResponse.Reason.OK) {
          log.warn("server refused a request: {} {} {}", rr.getReason(), rr.getMessage(), rr.getRequestCase());
          if (rr.hasAddTrack()) {
            CompletableFuture<LivekitModels.TrackInfo> f = published.get(rr.getAddTrack().getCid());
            if (f != null) {
              f.completeExceptionally(new IOException("add_track refused: " + rr.getReason() + " " + rr.getMessage()));
            }
          }
        }
      }
      case LEAVE -> {
        log.info("server asked us to leave: {} ({})", r.getLeave().getReason(), r.getLeave().getAction());
        IOException left = new IOException("server asked us to leave: " + r.getLeave().getReason());
        publisherAnswer.completeExceptionally(left);
        published.values().forEach(f -> f.completeExceptionally(left));
      }
      default -> log.trace("signal {}", r.getMessageCase());
    }
  }

  /**
   * The server opens a subscriber connection for every participant that may subscribe (it carries
   * the data channels, and its state decides when the participant counts as connected); we answer
   * it with a second peer connection that receives nothing.
   */
  private void answerSubscriber(LivekitRtc.SessionDescription offer) {
    try {
      if (subscriber == null) {
        subscriber = new Peer(factory, LivekitRtc.SignalTarget.SUBSCRIBER, this::sendTrickle, timeout);
      }
      String answer = subscriber.answer(offer.getSdp());
      signal.send(SignalRequest.newBuilder().setAnswer(LivekitRtc.SessionDescription.newBuilder()
          .setType("answer").setSdp(answer).setId(offer.getId())).build());
    } catch (IOException | RuntimeException e) {
      log.error("cannot answer the subscriber offer", e);
    }
  }

  private <T> T await(CompletableFuture<T> future, String what) throws IOException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(what + ": no result within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + what, e);
    }
  }

  /**
   * Leaves and frees libwebrtc in the order it needs: stop pushing, detach the tracks from their
   * senders (a track still held by a sender cannot be disposed), close the connections, then
   * dispose tracks, sources, factory and audio device.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pump != null) {
      pump.close();
    }
    signalReady.cancel(false);
    signalThread.shutdownNow();
    try {
      signalThread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SignalClient s = signal;
    if (s != null) {
      s.close();
    }
    if (publisher != null) {
      for (RTCRtpSender sender : publisher.connection().getSenders()) {
        publisher.connection().removeTrack(sender);
      }
      publisher.close();
    }
    if (subscriber != null) {
      subscriber.close();
    }
    tracks.forEach(MediaStreamTrack::dispose);
    videoSources.forEach(CustomVideoSource::dispose);
    if (audioSource != null) {
      audioSource.dispose();
    }
    if (factory != null) {
      factory.dispose();
    }
    if (audioDevice != null) {
      audioDevice.dispose();
    }
  }

  /** What to publish and where. */
  public static final class Builder {
    private final String wsUrl;
    private final String token;
    private final List<VideoSpec> videos = new ArrayList<>();
    private String audioName;
    private int fps = 30;
    private Duration timeout = Duration.ofSeconds(15);

    private Builder(String wsUrl, String token) {
      this.wsUrl = wsUrl;
      this.token = token;
    }

    /** A camera track of the given codec and (top layer) size; simulcast sends full, half and quarter size. */
    public Builder video(String name, VideoCodec codec, int width, int height, boolean simulcast) {
      videos.add(new VideoSpec(name, codec, width, height, simulcast));
      return this;
    }

    /** A 1280x720 camera track named "camera" without simulcast. */
    public Builder video(VideoCodec codec) {
      return video("camera", codec, 1280, 720, false);
    }

    /** A microphone track (Opus) carrying the beeps. */
    public Builder audio(String name) {
      audioName = name;
      return this;
    }

    /** Frame rate of every video track; also the flash period in frames (one flash a second). */
    public Builder fps(int fps) {
      this.fps = fps;
      return this;
    }

    /** How long each step of {@link #start()} may take. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public JavaPublisher build() {
      if (videos.isEmpty() && audioName == null) {
        throw new IllegalStateException("nothing to publish");
      }
      if (videos.stream().map(VideoSpec::name).distinct().count() != videos.size()
          || videos.stream().anyMatch(v -> v.name().equals(audioName))) {
        throw new IllegalStateException("track names must be unique");
      }
      return new JavaPublisher(this);
    }
  }
}
