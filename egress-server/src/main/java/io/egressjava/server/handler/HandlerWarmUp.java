package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.core.plan.Encoding;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.VideoEncoder;
import io.egressjava.webrtc.dtls.DtlsRehearsal;
import io.egressjava.webrtc.signal.SignalRehearsal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import livekit.LivekitEgress;
import io.egressjava.webrtc.dtls.DtlsCertificate;
import io.egressjava.webrtc.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spare handler does while it waits for its egress: the one-time costs of a fresh JVM that
 * would otherwise delay the start of a recording — FFmpeg's native libraries, the DTLS
 * certificate (an ECDSA key), the SRTP ciphers (jitsi-srtp benchmarks its AES providers on first
 * use), a signal join and a DTLS handshake against in-process servers (in a test JVM the first
 * of each took 0.5–0.8 s, the next ones 6–13 ms: {@link SignalRehearsal}, {@link DtlsRehearsal}),
 * a plan of each request kind, an H.264 and an AAC encoder opened and fed, and the classes of the recording paths. The class-data archive is trained on this too.
 */
final class HandlerWarmUp {
  private static final Logger log = LoggerFactory.getLogger(HandlerWarmUp.class);
  private static final String[] CLASSES = {
    "io.egressjava.webrtc.RoomSubscriber",
    "io.egressjava.webrtc.PeerTransport",
    "io.egressjava.webrtc.TrackReceiver",
    "io.egressjava.webrtc.ice.IceAgent",
    "io.egressjava.webrtc.dtls.DtlsSrtpClient",
    "io.egressjava.webrtc.signal.SignalClient",
    "io.egressjava.source.room.media.RoomMediaSource",
    "io.egressjava.source.room.media.TrackSource",
    "io.egressjava.pipeline.PassthroughOutputs",
    "io.egressjava.pipeline.PipelineRunner",
    "io.egressjava.media.ffmpeg.VideoDecoder",
    "io.egressjava.media.ffmpeg.AudioDecoder",
    "io.egressjava.media.ffmpeg.VideoEncoder",
    "io.egressjava.media.ffmpeg.AudioEncoder",
    "io.egressjava.media.ffmpeg.FileMuxer",
    "io.egressjava.source.browser.BrowserSource",
    "org.bouncycastle.tls.DTLSClientProtocol",
    "okhttp3.OkHttpClient",
  };

  private HandlerWarmUp() {}

  /** One part of the warm-up; a failure leaves that part cold and is logged, the rest goes on. */
  private interface Step {
    void run() throws Exception;
  }

  private static void step(String name, Step step) {
    long start = System.nanoTime();
    try {
      step.run();
      log.debug("warm-up: {} in {} ms", name, (System.nanoTime() - start) / 1_000_000);
    } catch (Exception | LinkageError e) {
      log.warn("warm-up: {} failed (it stays cold): {}", name, e.toString());
    }
  }

  /** Plans one request of each kind (planning touches no disk, network or native code). */
  private static void plan() {
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: warm\napi_secret: up\nws_url: ws://127.0.0.1:7880\n",
        Map.of()).config();
    EgressPlanner planner = new EgressPlanner(config, Clock.systemUTC());
    var mp4 = LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("/tmp/warm-up/{room_name}.mp4").build();
    var hls = LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("/tmp/warm-up/seg").build();
    List<StartEgressRequest> requests = List.of(
        StartEgressRequest.newBuilder().setEgressId("EG_warmup1").setRoomComposite(
            LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("warm-up").setLayout("grid")
                .addFileOutputs(mp4).addSegmentOutputs(hls)).build(),
        StartEgressRequest.newBuilder().setEgressId("EG_warmup2").setParticipant(
            LivekitEgress.ParticipantEgressRequest.newBuilder().setRoomName("warm-up").setIdentity("p")
                .addFileOutputs(mp4)).build(),
        StartEgressRequest.newBuilder().setEgressId("EG_warmup3").setTrackComposite(
            LivekitEgress.TrackCompositeEgressRequest.newBuilder().setRoomName("warm-up").setAudioTrackId("TR_a")
                .setVideoTrackId("TR_v").addFileOutputs(mp4)).build(),
        StartEgressRequest.newBuilder().setEgressId("EG_warmup4").setTrack(
            LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("warm-up").setTrackId("TR_a")
                .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("/tmp/warm-up/track"))).build());
    for (StartEgressRequest r : requests) {
      planner.plan(r);
    }
  }

  /** Opens an H.264 and an AAC encoder, as a recording's graph does, and feeds each a little. */
  private static void encode() {
    Encoding small = new Encoding(320, 180, 24, 30, 300, 0, "main", 128, 48000);
    try (VideoEncoder video = new VideoEncoder(small, true, false, 1)) {
      for (int i = 0; i < 3; i++) {
        video.writableFrame();
        video.encode(p -> { });
      }
      video.flush(p -> { });
    }
    try (AudioEncoder audio = new AudioEncoder(MediaCodec.AAC, 128, 48000, true)) {
      byte[] pcm = new byte[AudioEncoder.INPUT_CHANNELS * 2 * 1024 * 3];
      audio.encode(pcm, pcm.length, p -> { });
      audio.flush(p -> { });
    }
  }

  /** Whether an egress started here: then the warm-up ends, and says so. */
  private static boolean cutShort(BooleanSupplier working, long start) {
    if (working.getAsBoolean()) {
      log.info("warm-up cut short after {} ms: an egress started", (System.nanoTime() - start) / 1_000_000);
      return true;
    }
    return false;
  }

  /** The whole warm-up (the class-data archive's training run). */
  static void run() {
    run(() -> false);
  }

  /**
   * The warm-up of a handler, cut short once {@code working} says an egress started here: a
   * handler launched for a request (not a spare) gets its egress at once, and its rehearsals
   * would take CPU from that egress's own start (with Chrome starting beside them on two cores).
   */
  static void run(BooleanSupplier working) {
    long start = System.nanoTime();
    try {
      SrtpSession.prepare(); // first: the one a recording would otherwise meet on its first packet
      Ffmpeg.load();
      DtlsCertificate.get();
      if (cutShort(working, start)) {
        return;
      }
      step("signal join", SignalRehearsal::run);
      step("DTLS handshake", DtlsRehearsal::run);
      if (cutShort(working, start)) {
        return;
      }
      step("planning", HandlerWarmUp::plan);
      step("encoders", HandlerWarmUp::encode);
      ClassLoader loader = HandlerWarmUp.class.getClassLoader();
      for (String c : CLASSES) {
        try {
          Class.forName(c, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          log.debug("warm-up: {} not loaded: {}", c, e.getMessage());
        }
      }
      log.info("warm-up done in {} ms", (System.nanoTime() - start) / 1_000_000); // the spare is ready
    } catch (RuntimeException e) {
      log.warn("warm-up failed (the egress will start cold): {}", e.getMessage());
    }
  }
}
