package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.config;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.PacketLoss;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Track egress against the real livekit-server, requested through the Kotlin SDK, with tracks
 * published by the LiveKit Go SDK (pion) from files: every frame in our file must be a frame the
 * publisher sent, byte for byte and in order — which also proves that nothing decoded or encoded
 * on the way — and the recording must run to the publisher's end without gaps.
 */
@ExtendWith(LiveKitRig.class)
class TrackEgressNetnsIT {
  private static final double SECONDS = 10;
  private static Path media;

  @BeforeAll
  static void encodeMedia(@TempDir Path dir) throws Exception {
    media = dir;
    String pattern = "testsrc2=s=640x360:r=30";
    ItSupport.encode("-f", "lavfi", "-i", pattern, "-t", "" + SECONDS, "-c:v", "libvpx", "-b:v", "800k", "-g", "30",
        "-deadline", "realtime", "-cpu-used", "8", dir.resolve("vp8.ivf").toString());
    ItSupport.encode("-f", "lavfi", "-i", pattern, "-t", "" + SECONDS, "-c:v", "libvpx-vp9", "-b:v", "800k", "-g", "30",
        "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", dir.resolve("vp9.ivf").toString());
    ItSupport.encode("-f", "lavfi", "-i", pattern, "-t", "" + SECONDS, "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0",
        "-x264-params", "keyint=30:scenecut=0", "-pix_fmt", "yuv420p", "-f", "h264", dir.resolve("h264.h264").toString());
    ItSupport.encode("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "" + SECONDS, "-ac", "2", "-c:a", "libopus",
        "-b:a", "48k", dir.resolve("opus.ogg").toString());
  }

  @Test
  void everyCodecIsRecordedAsPublished(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-codecs";
    ItSupport.createRoom(rig, room);
    long opensBefore = Ffmpeg.codecOpens();
    try (FilePublisher a = FilePublisher.start(rig.livekit(), room, "vp8-opus", false, media.resolve("vp8.ivf"),
            media.resolve("opus.ogg"));
        FilePublisher b = FilePublisher.start(rig.livekit(), room, "vp9", false, media.resolve("vp9.ivf"));
        FilePublisher c = FilePublisher.start(rig.livekit(), room, "h264", false, media.resolve("h264.h264"))) {
      recordEveryTrack(rig, room, tmp, List.of("video/vp8", "audio/opus", "video/vp9", "video/h264"));
    }
    assertThat(Ffmpeg.codecOpens()).as("codec opens on the passthrough path").isEqualTo(opensBefore);
  }

  /**
   * A VP8 simulcast publisher (1280x720, 640x360, 320x180): the file reaches the top layer within
   * 2 s of its start and keeps it to the end (we send no REMB, so the SFU has no reason to step down).
   */
  @Test
  void simulcastRecordingReachesAndHoldsTheTopLayer(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-simulcast";
    ItSupport.createRoom(rig, room);
    Path high = tmp.resolve("high.ivf");
    Path medium = tmp.resolve("medium.ivf");
    Path low = tmp.resolve("low.ivf");
    for (Object[] layer : new Object[][] {{high, "1280x720", "1500k"}, {medium, "640x360", "500k"}, {low, "320x180", "150k"}}) {
      ItSupport.encode("-f", "lavfi", "-i", "testsrc2=s=" + layer[1] + ":r=30", "-t", "" + SECONDS, "-c:v", "libvpx", "-b:v",
          (String) layer[2], "-g", "30", "-deadline", "realtime", "-cpu-used", "8", layer[0].toString());
    }
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        FilePublisher pub = FilePublisher.startSimulcast(rig.livekit(), room, "simulcast", high, medium, low)) {
      Map<String, String> tracks = ItSupport.awaitTracksByMime(rig, room, 1);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/simulcast").toString()).build(), tracks.get("video/vp8")).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "finished",
          io.egressjava.core.lifecycle.EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      Path file = Path.of(done.getFileResults(0).getLocation());
      // decoded picture sizes, frame by frame
      String csv = Probe.run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), "-v", "error", "-select_streams", "v",
          "-show_entries", "frame=best_effort_timestamp_time,width,height", "-of", "csv=p=0", file.toString()), false);
      // decoder complaints went into the CSV once (stderr merged) and broke its parsing; they are
      // printed apart here, so that the next one says what it was
      String complaints = Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", file.toString(),
          "-f", "null", "-"), true);
      if (!complaints.isBlank()) {
        System.out.println("simulcast: the decoder complained: " + complaints.strip());
      }
      List<String[]> frames = csv.lines().filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
      assertThat(frames).hasSizeGreaterThan(60);
      // ffprobe prints the fields in its own order: time, width, height
      double start = Double.parseDouble(frames.get(0)[0]);
      Double firstTop = null;
      for (String[] f : frames) {
        boolean top = f[1].equals("1280") && f[2].equals("720");
        double t = Double.parseDouble(f[0]) - start;
        if (firstTop == null && top) {
          firstTop = t;
        }
        if (firstTop != null) {
          assertThat(top).as("frame at %.3f s is %sx%s after reaching the top layer", t, f[1], f[2]).isTrue();
        }
      }
      System.out.printf("simulcast: %d frames, sizes %s, top layer from %s s%n", frames.size(),
          frames.stream().map(f -> f[1] + "x" + f[2]).distinct().toList(), firstTop);
      assertThat(firstTop).as("seconds until the top layer").isNotNull().isLessThanOrEqualTo(2.0);
    }
  }

  /**
   * Another instance joins as the same egress (DUPLICATE_IDENTITY): ours stops without a final
   * update, so the other instance's reports stand, and counts it as duplicate_identity.
   */
  @Test
  void duplicateIdentityEndsTheEgressSilently(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-duplicate";
    ItSupport.createRoom(rig, room);
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "speaker", false, media.resolve("opus.ogg"))) {
      Map<String, String> tracks = ItSupport.awaitTracksByMime(rig, room, 1);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/dup").toString()).build(), tracks.get("audio/opus")).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), EgressStatus.EGRESS_ACTIVE);
      String token = io.egressjava.core.plan.EgressToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET,
          started.getEgressId(), room, java.time.Instant.now());
      try (var other = io.egressjava.webrtc.RoomSubscriber.join(rig.livekit().wsUrl(), token,
          (trackSid, codec, frame) -> { }, null, Duration.ofSeconds(10))) {
        for (int i = 0; i < 100 && !service.running().isEmpty(); i++) {
          Thread.sleep(100);
        }
        assertThat(service.running()).as("our instance gave the egress up").isEmpty();
        assertThat(service.results()).containsEntry(new EgressService.Outcome("track", "duplicate_identity"), 1L);
        Thread.sleep(1000);
        assertThat(ItSupport.listed(client, room, started.getEgressId()).orElseThrow().getStatus())
            .as("no final update from the instance that gave up").isEqualTo(EgressStatus.EGRESS_ACTIVE);
      }
    }
  }

  /** file_output_max_duration applies to track egress too: LIMIT_REACHED with the file finalized. */
  @Test
  void sessionLimitEndsATrackEgressWithItsFile(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-limit";
    ItSupport.createRoom(rig, room);
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}\nsession_limits: {file_output_max_duration: 3s}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "limited", false, media.resolve("vp8.ivf"))) {
      Map<String, String> tracks = ItSupport.awaitTracksByMime(rig, room, 1);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/limited").toString()).build(), tracks.get("video/vp8")).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(30), "finished",
          io.egressjava.core.lifecycle.EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_LIMIT_REACHED);
      assertThat(done.getErrorCode()).isEqualTo(413);
      Path file = Path.of(done.getFileResults(0).getLocation());
      List<PacketReader.Packet> frames = PacketReader.read(file);
      assertThat(frames.get(frames.size() - 1).seconds() - frames.get(0).seconds()).as("seconds recorded")
          .isBetween(1.5, 3.5);
    }
  }

  @Test
  void unknownTrackFailsWithNotFound(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start()) {
      EgressServiceClient client = egressClient(rig);
      ItSupport.createRoom(rig, "track-unknown");
      EgressInfo started = ok(client.startTrackEgress("track-unknown",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath(tmp.resolve("t.ogg").toString()).build(), "TR_x").execute());
      ItSupport.awaitStatus(client, "track-unknown", started.getEgressId(), Duration.ofSeconds(30), "failed",
          s -> s == EgressStatus.EGRESS_FAILED);
      EgressInfo failed = ItSupport.listed(client, "track-unknown", started.getEgressId()).orElseThrow();
      assertThat(failed.getError()).isEqualTo("track TR_x not found");
      assertThat(failed.getErrorCode()).isEqualTo(404);
    }
  }

  /** 2 % of the SFU's datagrams dropped on the way to us: NACK and RTX must recover every frame. */
  @Test
  void twoPercentLossIsRecovered(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-loss";
    ItSupport.createRoom(rig, room);
    try (FilePublisher a = FilePublisher.start(rig.livekit(), room, "lossy", false, media.resolve("vp8.ivf"),
            media.resolve("opus.ogg"));
        PacketLoss loss = PacketLoss.fromUdpPort(rig.livekit().rtcUdpPort(), 2)) {
      recordEveryTrack(rig, room, tmp, List.of("video/vp8", "audio/opus"));
      System.out.println("datagrams dropped from the SFU: " + loss.dropped());
      assertThat(loss.dropped()).as("datagrams dropped from the SFU").isGreaterThan(5);
    }
  }

  /** An audio track to websocket_url: 48 kHz stereo s16le PCM of the tone, with the reference's content type. */
  @Test
  void audioTrackToWebSocketIsDecodedPcm(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "track-websocket";
    ItSupport.createRoom(rig, room);
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}");
    java.io.ByteArrayOutputStream pcm = new java.io.ByteArrayOutputStream();
    java.util.concurrent.atomic.AtomicReference<String> contentType = new java.util.concurrent.atomic.AtomicReference<>();
    int port = io.egressjava.testrig.Ports.free();
    org.java_websocket.server.WebSocketServer server = new org.java_websocket.server.WebSocketServer(
        new java.net.InetSocketAddress("127.0.0.1", port)) {
      @Override
      public void onOpen(org.java_websocket.WebSocket conn, org.java_websocket.handshake.ClientHandshake handshake) {
        contentType.set(handshake.getFieldValue("Content-Type"));
      }

      @Override
      public void onClose(org.java_websocket.WebSocket conn, int code, String reason, boolean remote) {}

      @Override
      public void onMessage(org.java_websocket.WebSocket conn, String message) {}

      @Override
      public void onMessage(org.java_websocket.WebSocket conn, java.nio.ByteBuffer message) {
        synchronized (pcm) {
          byte[] b = new byte[message.remaining()];
          message.get(b);
          pcm.writeBytes(b);
        }
      }

      @Override
      public void onError(org.java_websocket.WebSocket conn, Exception ex) {}

      @Override
      public void onStart() {}
    };
    server.start();
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        FilePublisher a = FilePublisher.start(rig.livekit(), room, "speaker", false, media.resolve("opus.ogg"))) {
      Map<String, String> tracks = ItSupport.awaitTracksByMime(rig, room, 1);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress(room, "ws://127.0.0.1:" + port + "/audio", tracks.get("audio/opus"))
          .execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "finished",
          io.egressjava.core.lifecycle.EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(done.getStreamResults(0).getStatus()).isEqualTo(LivekitEgress.StreamInfo.Status.FINISHED);
    } finally {
      server.stop(1000);
    }
    assertThat(contentType.get()).isEqualTo("audio/x-raw");
    byte[] samples;
    synchronized (pcm) {
      samples = pcm.toByteArray();
    }
    double seconds = samples.length / (48_000.0 * 4);
    System.out.printf("websocket: %d bytes = %.2f s of 48 kHz stereo s16le%n", samples.length, seconds);
    assertThat(seconds).as("seconds of PCM").isGreaterThan(3.0);
    // the 440 Hz tone dominates: Goertzel power at 440 Hz far above 1 kHz, on the left channel
    assertThat(goertzel(samples, 440)).isGreaterThan(100 * goertzel(samples, 1000));
  }

  private static double goertzel(byte[] s16Stereo, double frequency) {
    double coeff = 2 * Math.cos(2 * Math.PI * frequency / 48_000);
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i + 3 < s16Stereo.length; i += 4) {
      double x = (short) ((s16Stereo[i] & 0xFF) | (s16Stereo[i + 1] << 8));
      double s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }

  /** Starts a track egress per published track, waits until the publishers' end finishes them, checks each file. */
  private void recordEveryTrack(LiveKitRig rig, String room, Path tmp, List<String> mimes) throws Exception {
    EgressConfig cfg = config(rig, "cpu_cost: {track_cpu_cost: 0.1}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start()) {
      Map<String, String> trackByCodec = ItSupport.tracksByMime(rig, room);
      for (int i = 0; i < 100 && trackByCodec.size() < mimes.size(); i++) {
        Thread.sleep(100); // a track is listed once its publisher's connection is up
        trackByCodec = ItSupport.tracksByMime(rig, room);
      }
      assertThat(trackByCodec.keySet()).containsExactlyInAnyOrderElementsOf(mimes);
      EgressServiceClient client = egressClient(rig);
      Map<String, String> egressByCodec = new TreeMap<>();
      for (Map.Entry<String, String> e : trackByCodec.entrySet()) {
        String name = e.getKey().replace('/', '-');
        EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
            .setFilepath(tmp.resolve("out").toString() + "/" + name + "-{track_id}").build(), e.getValue()).execute());
        egressByCodec.put(e.getKey(), started.getEgressId());
      }
      // the publishers stop at the end of their files and leave: each egress ends by itself
      for (Map.Entry<String, String> e : egressByCodec.entrySet()) {
        ItSupport.awaitStatus(client, room, e.getValue(), Duration.ofSeconds(40), "finished",
            io.egressjava.core.lifecycle.EgressSession::isTerminal);
        EgressInfo done = ItSupport.listed(client, room, e.getValue()).orElseThrow();
        assertThat(done.getStatus()).as(e.getKey() + ": " + done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
        assertThat(done.getDetails()).contains("Source closed");
        LivekitEgress.FileInfo file = done.getFileResults(0);
        String track = trackByCodec.get(e.getKey());
        assertThat(file.getFilename()).endsWith(e.getKey().replace('/', '-') + "-" + track + extension(e.getKey()));
        checkRecording(e.getKey(), Path.of(file.getLocation()), file);
      }
    }
  }

  private static String extension(String mime) {
    return switch (mime) {
      case "audio/opus" -> ".ogg";
      case "video/h264" -> ".mp4";
      default -> ".webm";
    };
  }

  private void checkRecording(String mime, Path file, LivekitEgress.FileInfo info) throws Exception {
    var probed = Probe.info(file);
    assertThat(probed.has("streams")).as(mime + ": " + file + " (" + java.nio.file.Files.size(file) + " bytes) has streams: "
        + Probe.run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), file.toString()), true)).isTrue();
    String codec = mime.substring(mime.indexOf('/') + 1);
    var stream = Probe.stream(probed, mime.startsWith("audio") ? "audio" : "video");
    assertThat(stream.get("codec_name").asText()).as(mime).isEqualTo(codec);
    List<PacketReader.Packet> out = PacketReader.read(file);
    double frameSeconds = mime.startsWith("audio") ? 0.02 : 1 / 30.0;
    // no gap longer than 100 ms between consecutive frames (nothing lost or frozen)
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i).seconds() - out.get(i - 1).seconds()).as(mime + " gap before frame " + i).isLessThan(0.1);
    }
    double recorded = out.get(out.size() - 1).seconds() - out.get(0).seconds() + frameSeconds;
    System.out.printf("%s: %d frames, %.3f..%.3f s, reported %.3f s%n", mime, out.size(), out.get(0).seconds(),
        out.get(out.size() - 1).seconds(), info.getDuration() / 1e9);
    // wall-clock times (the Go SDK's file reader sends Opus about 1.2x faster than real time, so no
    // tighter relation to the media's length holds)
    assertThat(info.getEndedAt()).isGreaterThan(info.getStartedAt());
    assertThat(info.getDuration()).isEqualTo(info.getEndedAt() - info.getStartedAt());
    if (mime.equals("video/h264")) {
      assertThat(Probe.decodedVideoFrames(file)).as("decodable h264 frames").isEqualTo(out.size());
      assertThat(recorded).as("h264 recorded seconds").isGreaterThan(3.0);
      return;
    }
    Path source = media.resolve(codec.equals("opus") ? "opus.ogg" : codec + ".ivf");
    List<PacketReader.Packet> in = PacketReader.read(source);
    int first = indexOf(in, out);
    assertThat(first).as(mime + ": first recorded frame is a published frame").isGreaterThanOrEqualTo(0);
    // the SFU ends a track with ~0.2 s of its own Opus silence frames (webrtc-receive.md §4): allowed after the last published one
    int published = out.size();
    while (codec.equals("opus") && published > 0 && first + published > in.size() && isOpusSilence(out.get(published - 1).data())) {
      published--;
    }
    assertThat(out.size() - published).as("SFU silence frames at the end").isLessThanOrEqualTo(15);
    for (int i = 0; i < published; i++) {
      assertThat(first + i).as(mime + " frame " + i + " beyond the published ones").isLessThan(in.size());
      assertThat(HexFormat.of().formatHex(out.get(i).data()))
          .as(mime + " frame " + i + " equals published frame " + (first + i) + " (it is published frame "
              + whereIs(in, out.get(i).data(), first + i) + ", next recorded is " + whereIs(in, i + 1 < out.size() ? out.get(i + 1).data() : new byte[0], first + i) + ")")
          .isEqualTo(HexFormat.of().formatHex(in.get(first + i).data()));
    }
    // the recording runs to the end of what was published (within 0.5 s)
    int missingAtEnd = in.size() - (first + published);
    assertThat(missingAtEnd * frameSeconds).as(mime + " seconds missing at the end").isLessThan(0.5);
    // and its length matches the published frames it holds (within 0.5 s)
    assertThat(recorded).as(mime + " duration vs frames").isCloseTo(out.size() * frameSeconds, within(0.5));
    if (codec.equals("opus")) {
      assertThat(Probe.meanVolumeDb(file)).as("tone").isGreaterThan(-35);
    }
  }

  private static int whereIs(List<PacketReader.Packet> published, byte[] data, int near) {
    for (int d = 0; d < 50; d++) {
      for (int i : new int[] {near + d, near - d}) {
        if (i >= 0 && i < published.size() && java.util.Arrays.equals(published.get(i).data(), data)) {
          return i;
        }
      }
    }
    return -1;
  }

  /** An Opus frame of digital silence as the SFU writes it: TOC 0xF8 then 0xFF 0xFE. */
  private static boolean isOpusSilence(byte[] frame) {
    return frame.length >= 3 && (frame[0] & 0xFF) == 0xF8 && (frame[1] & 0xFF) == 0xFF && (frame[2] & 0xFF) == 0xFE;
  }

  /**
   * Where the recording starts in the published frames: the offset at which the longest run of
   * recorded frames matches (a pure tone repeats whole Opus frames, so a short run is ambiguous).
   */
  private static int indexOf(List<PacketReader.Packet> published, List<PacketReader.Packet> recorded) {
    int best = -1;
    int bestRun = 0;
    for (int i = 0; i < published.size(); i++) {
      int k = 0;
      while (k < recorded.size() && i + k < published.size()
          && java.util.Arrays.equals(published.get(i + k).data(), recorded.get(k).data())) {
        k++;
      }
      if (k > bestRun) {
        best = i;
        bestRun = k;
      }
    }
    return bestRun >= Math.min(10, recorded.size()) ? best : -1;
  }
}
