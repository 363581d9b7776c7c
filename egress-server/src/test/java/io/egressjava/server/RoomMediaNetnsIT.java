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
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 * Transcoding egresses from the room's tracks without a browser (track composite, participant,
 * audio-only room composite), requested through the Kotlin SDK against the real livekit-server,
 * with tracks published by the LiveKit Go SDK; checked by probing and decoding the outputs.
 */
@ExtendWith(LiveKitRig.class)
class RoomMediaNetnsIT {
  private static Path media;

  @BeforeAll
  static void encodeMedia(@TempDir Path dir) throws Exception {
    media = dir;
    ItSupport.encode("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-t", "30", "-c:v", "libvpx", "-b:v", "600k", "-g", "30",
        "-deadline", "realtime", "-cpu-used", "8", dir.resolve("vp8.ivf").toString());
    ItSupport.encode("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-t", "30", "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0",
        "-x264-params", "keyint=30:scenecut=0", "-pix_fmt", "yuv420p", "-f", "h264", dir.resolve("h264.h264").toString());
    for (int hz : new int[] {440, 660, 880}) {
      ItSupport.encode("-f", "lavfi", "-i", "sine=frequency=" + hz + ":sample_rate=48000", "-t", "30", "-ac", "2", "-c:a", "libopus",
          "-b:a", "48k", dir.resolve(hz + ".ogg").toString());
    }
  }

  private static ItSupport.MediaService service(LiveKitRig rig, Path tmp) {
    EgressConfig cfg = config(rig, "cpu_cost: {track_composite_cpu_cost: 0.5, participant_cpu_cost: 0.5, "
        + "audio_room_composite_cpu_cost: 0.5}");
    RedisBus bus = bus(rig);
    MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
    return new ItSupport.MediaService(new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start(), runners, bus);
  }

  private static LivekitEgress.EncodingOptions small() {
    return LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30)
        .setVideoBitrate(1000).build();
  }

  /** identity → (mime → track SID), waiting until {@code count} tracks are listed. */
  private static Map<String, Map<String, String>> tracks(LiveKitRig rig, String room, int count) throws Exception {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      out.clear();
      int n = 0;
      for (LivekitModels.ParticipantInfo p : ok(rooms.listParticipants(room).execute())) {
        for (LivekitModels.TrackInfo t : p.getTracksList()) {
          out.computeIfAbsent(p.getIdentity(), k -> new TreeMap<>()).put(t.getMimeType().toLowerCase(java.util.Locale.ROOT), t.getSid());
          n++;
        }
      }
      if (n >= count) {
        return out;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("tracks not published: " + out);
  }

  private static EgressInfo recordFor(EgressServiceClient client, String room, String egressId, long millis) throws Exception {
    ItSupport.awaitStatus(client, room, egressId, Duration.ofSeconds(40), "recording", s -> s == EgressStatus.EGRESS_ACTIVE);
    Thread.sleep(millis);
    ok(client.stopEgress(egressId).execute());
    ItSupport.awaitStatus(client, room, egressId, Duration.ofSeconds(60), "finished",
        io.egressjava.core.lifecycle.EgressSession::isTerminal);
    EgressInfo done = ItSupport.listed(client, room, egressId).orElseThrow();
    assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    return done;
  }

  /** Share of decoded frames that differ from the previous one (a moving test pattern, not a frozen picture). */
  /** A hash per frame of a small grey copy of the picture (encoding noise below it does not count as change). */
  private static List<String> smallFrameHashes(Path file) throws Exception {
    String out = Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", file.toString(),
        "-vf", "scale=64:36,format=gray", "-f", "framemd5", "-"));
    return out.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
  }

  private static double changingFrames(Path file) throws Exception {
    List<String> hashes = smallFrameHashes(file);
    int changed = 0;
    List<Integer> repeats = new ArrayList<>();
    for (int i = 1; i < hashes.size(); i++) {
      if (!hashes.get(i).equals(hashes.get(i - 1))) {
        changed++;
      } else {
        repeats.add(i);
      }
    }
    System.out.println(file.getFileName() + ": " + hashes.size() + " frames, repeated at " + repeats);
    return hashes.size() < 2 ? 0 : (double) changed / (hashes.size() - 1);
  }

  /** The most frames in a row that repeat the one before. */
  private static int longestStill(Path file) throws Exception {
    List<String> hashes = smallFrameHashes(file);
    int run = 0;
    int longest = 0;
    for (int i = 1; i < hashes.size(); i++) {
      run = hashes.get(i).equals(hashes.get(i - 1)) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  @Test
  void trackCompositeOfVp8AndOpusIsAnMp4WithBoth(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "tc-vp8";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "alice", false, media.resolve("vp8.ivf"),
            media.resolve("440.ogg"))) {
      Map<String, String> t = tracks(rig, room, 2).get("alice");
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/tc.mp4");
      EgressInfo started = ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath(file.toString()).build(), t.get("audio/opus"), t.get("video/vp8"), null, small()).execute());
      EgressInfo done = recordFor(client, room, started.getEgressId(), 6_000);
      double recordedSeconds = (done.getEndedAt() - done.getStartedAt()) / 1e9;
      Path out = Path.of(done.getFileResults(0).getLocation());
      var probed = Probe.info(out);
      assertThat(Probe.stream(probed, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(probed, "video").get("width").asInt()).isEqualTo(640);
      assertThat(Probe.stream(probed, "audio").get("codec_name").asText()).isEqualTo("aac");
      // at least the 6 s the test waited after seeing ACTIVE; at most what the egress saw from its
      // first media (started_at) to its end, plus the 1 s start-up hold and the SFU's burst when the
      // subscription started (~0.8 s, placed before started_at, not squeezed). A fixed 8.5 s failed
      // when the first egress of a cold JVM took ~1 s longer to show ACTIVE in ListEgress
      assertThat(probed.get("format").get("duration").asDouble()).isBetween(5.5, recordedSeconds + 2.0);
      assertThat(changingFrames(out)).as("moving picture").isGreaterThan(0.9);
      assertThat(Probe.meanVolumeDb(out)).as("tone").isGreaterThan(-30);
    }
  }

  @Test
  void trackCompositeVideoOnlyH264AndAudioOnly(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "tc-single";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "bob", false, media.resolve("h264.h264"),
            media.resolve("660.ogg"))) {
      Map<String, String> t = tracks(rig, room, 2).get("bob");
      EgressServiceClient client = egressClient(rig);
      EgressInfo video = ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/video.mp4").toString()).build(), "", t.get("video/h264"), null, small()).execute());
      EgressInfo audio = ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFileType(LivekitEgress.EncodedFileType.OGG).setFilepath(tmp.resolve("out/audio").toString()).build(),
          t.get("audio/opus"), "", null, null).execute());
      EgressInfo v = recordFor(client, room, video.getEgressId(), 5_000);
      EgressInfo a = recordFor(client, room, audio.getEgressId(), 0);
      var vp = Probe.info(Path.of(v.getFileResults(0).getLocation()));
      assertThat(Probe.stream(vp, "audio")).isNull();
      assertThat(Probe.stream(vp, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(changingFrames(Path.of(v.getFileResults(0).getLocation()))).isGreaterThan(0.9);
      Path ogg = Path.of(a.getFileResults(0).getLocation());
      assertThat(ogg.toString()).endsWith(".ogg");
      var ap = Probe.info(ogg);
      assertThat(Probe.stream(ap, "video")).isNull();
      assertThat(Probe.stream(ap, "audio").get("codec_name").asText()).isEqualTo("opus");
      assertThat(Probe.meanVolumeDb(ogg)).isGreaterThan(-30);
    }
  }

  @Test
  void participantEgressRecordsCameraAndMicrophoneUntilTheParticipantLeaves(LiveKitRig rig, @TempDir Path tmp)
      throws Exception {
    String room = "participant";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp)) {
      EgressServiceClient client = egressClient(rig);
      FilePublisher pub = FilePublisher.start(rig.livekit(), room, "carol", false, media.resolve("vp8.ivf"),
          media.resolve("880.ogg"));
      tracks(rig, room, 2);
      EgressInfo started = ok(client.startParticipantEgress(room, "carol", new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("out/carol.mp4").toString()).build(), null, null,
          null), false, null, small()).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "recording",
          st -> st == EgressStatus.EGRESS_ACTIVE);
      Thread.sleep(5_000);
      pub.close(); // the participant leaves: the egress ends by itself
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(60), "finished",
          io.egressjava.core.lifecycle.EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(done.getDetails()).contains("Source closed");
      Path out = Path.of(done.getFileResults(0).getLocation());
      var probed = Probe.info(out);
      assertThat(Probe.stream(probed, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(probed, "audio").get("codec_name").asText()).isEqualTo("aac");
      assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(5.0, within(1.5));
      assertThat(Probe.meanVolumeDb(out)).isGreaterThan(-30);
    }
  }

  /**
   * livekit-server replaces the egress participant when another instance joins as it (a request it
   * dispatched twice): a participant egress gives the recording up as a track egress does, with no
   * final update, no stored file and its capacity freed.
   */
  @Test
  void participantEgressGivesUpToADuplicateIdentity(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "participant-duplicate";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "erin", false, media.resolve("vp8.ivf"),
            media.resolve("440.ogg"))) {
      EgressServiceClient client = egressClient(rig);
      tracks(rig, room, 2);
      Path out = tmp.resolve("out/erin.mp4");
      EgressInfo started = ok(client.startParticipantEgress(room, "erin", new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(out.toString()).build(), null, null, null), false, null,
          small()).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "recording",
          st -> st == EgressStatus.EGRESS_ACTIVE);
      String token = io.egressjava.core.plan.EgressToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET,
          started.getEgressId(), room, java.time.Instant.now());
      try (var other = io.egressjava.webrtc.RoomSubscriber.join(rig.livekit().wsUrl(), token,
          (trackSid, codec, frame) -> { }, null, Duration.ofSeconds(10))) {
        for (int i = 0; i < 100 && !s.service().running().isEmpty(); i++) {
          Thread.sleep(100);
        }
        assertThat(s.service().running()).as("our instance gave the egress up").isEmpty();
        assertThat(s.service().results()).containsEntry(new EgressService.Outcome("participant", "duplicate_identity"), 1L);
        Thread.sleep(1000);
        assertThat(ItSupport.listed(client, room, started.getEgressId()).orElseThrow().getStatus())
            .as("no final update from the instance that gave up").isEqualTo(EgressStatus.EGRESS_ACTIVE);
        assertThat(out).as("nothing stored by the instance that gave up").doesNotExist();
      }
    }
  }

  @Test
  void participantScreenShareRecordsTheShare(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "participant-screen";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher cam = FilePublisher.start(rig.livekit(), room, "dave", false, media.resolve("660.ogg"));
        FilePublisher screen = FilePublisher.start(rig.livekit(), room, "dave-screen", true, media.resolve("vp8.ivf"))) {
      tracks(rig, room, 2);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startParticipantEgress(room, "dave-screen", new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("out/screen.mp4").toString()).build(), null,
          null, null), true, null, small()).execute());
      EgressInfo done = recordFor(client, room, started.getEgressId(), 4_000);
      var probed = Probe.info(Path.of(done.getFileResults(0).getLocation()));
      assertThat(Probe.stream(probed, "video").get("codec_name").asText()).isEqualTo("h264");
      // the SFU forwards this screen share at about 25 of its 30 fps (every 5th-7th output frame repeats)
      assertThat(changingFrames(Path.of(done.getFileResults(0).getLocation()))).isGreaterThan(0.75);
    }
  }

  /** The participant publishes video first and the microphone 6 s later: the sound is in the file from then on. */
  @Test
  void participantTrackPublishedLaterIsPickedUp(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "participant-late";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "erin", false,
            List.of("-late", media.resolve("440.ogg").toString(), "-late-after", "6s"), media.resolve("vp8.ivf"))) {
      tracks(rig, room, 1);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startParticipantEgress(room, "erin", new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("out/late.mp4").toString()).build(), null,
          null, null), false, null, small()).execute());
      EgressInfo done = recordFor(client, room, started.getEgressId(), 9_000);
      Path out = Path.of(done.getFileResults(0).getLocation());
      var probed = Probe.info(out);
      assertThat(Probe.stream(probed, "audio").get("codec_name").asText()).isEqualTo("aac");
      double duration = probed.get("format").get("duration").asDouble();
      byte[] pcm = monoPcm(out, tmp);
      assertThat(rms(pcm, 0.2, 2.0)).as("silence before the microphone is published").isLessThan(100);
      assertThat(tone(pcm, duration - 1.5, 440)).as("the tone once it is").isGreaterThan(1e12);
      // the picture moves: the SFU forwards about 25 of the 30 fps to a new subscriber until its
      // bandwidth estimate has ramped up (one repeat every 5-7 frames, for 290-365 frames in two
      // suite runs), so the share of changing frames lands on either side of 0.9 by that ramp alone;
      // what this test asks is that the picture never stands still: never two repeats in a row
      assertThat(changingFrames(out)).isGreaterThan(0.8);
      assertThat(longestStill(out)).as("frames in a row repeating the one before").isLessThanOrEqualTo(1);
    }
  }

  /** Every track muted from 3 s to 5 s: silence and the last picture meanwhile, then sound and motion again. */
  @Test
  void participantMuteAndUnmuteLeavesSilenceAndTheLastFrame(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "participant-mute";
    ItSupport.createRoom(rig, room);
    EgressServiceClient client = egressClient(rig);
    try (ItSupport.MediaService s = service(rig, tmp)) {
      ok(client.startParticipantEgress(room, "frank", new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("out/mute.mp4").toString()).build(), null,
          null, null), false, null, small()).execute());
      String egressId = ok(client.listEgress(room).execute()).get(0).getEgressId();
      try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "frank", false,
          List.of("-mute-from", "3s", "-mute-until", "5s"), media.resolve("vp8.ivf"), media.resolve("440.ogg"))) {
        EgressInfo done = recordFor(client, room, egressId, 7_000);
        Path out = Path.of(done.getFileResults(0).getLocation());
        var probed = Probe.info(out);
        double duration = probed.get("format").get("duration").asDouble();
        assertThat(duration).as("a whole file across the mute").isGreaterThan(6.0);
        byte[] pcm = monoPcm(out, tmp);
        // the 2 s mute is a silent stretch inside the file (where it falls depends on when media started)
        StringBuilder profile = new StringBuilder();
        int quietWindows = 0;
        double loudestBefore = 0;
        for (double t = 0; t < duration - 0.25; t += 0.25) {
          double r = rms(pcm, t, t + 0.25);
          quietWindows += r < 100 ? 1 : 0;
          loudestBefore = quietWindows == 0 ? Math.max(loudestBefore, r) : loudestBefore;
          profile.append(String.format(java.util.Locale.ROOT, " %.2f:%.0f", t, r));
        }
        assertThat(quietWindows).as("quarter seconds of silence while muted:" + profile).isBetween(6, 10);
        assertThat(loudestBefore).as("sound before the mute").isGreaterThan(1000);
        assertThat(tone(pcm, duration - 1.0, 440)).as("the tone after unmuting").isGreaterThan(1e12);
      }
    }
  }

  private static byte[] monoPcm(Path file, Path tmp) throws Exception {
    Path pcm = tmp.resolve(file.getFileName() + ".pcm");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-y", "-i", file.toString(), "-map", "0:a",
        "-ac", "1", "-ar", "48000", "-f", "s16le", pcm.toString()));
    return Files.readAllBytes(pcm);
  }

  /** RMS of mono s16le between two times. */
  private static double rms(byte[] mono, double from, double to) {
    long sum = 0;
    int n = 0;
    for (int i = (int) (from * 48_000); i < (int) (to * 48_000) && 2 * i + 1 < mono.length; i++, n++) {
      int x = (short) ((mono[2 * i] & 0xFF) | (mono[2 * i + 1] << 8));
      sum += (long) x * x;
    }
    return n == 0 ? 0 : Math.sqrt((double) sum / n);
  }

  /** Three publishers with different tones, one joining late: every tone is in the mix once present. */
  @Test
  void audioOnlyRoomCompositeMixesEveryoneIncludingLateJoiners(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "audio-mix";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher a = FilePublisher.start(rig.livekit(), room, "a", false, media.resolve("440.ogg"));
        FilePublisher b = FilePublisher.start(rig.livekit(), room, "b", false, media.resolve("660.ogg"))) {
      tracks(rig, room, 2);
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startRoomCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFileType(LivekitEgress.EncodedFileType.OGG).setFilepath(tmp.resolve("out/mix.ogg").toString()).build(),
          "", null, null, true, false, "").execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "recording",
          st -> st == EgressStatus.EGRESS_ACTIVE);
      Thread.sleep(4_000);
      try (FilePublisher late = FilePublisher.start(rig.livekit(), room, "late", false, media.resolve("880.ogg"))) {
        Thread.sleep(5_000);
        ok(client.stopEgress(started.getEgressId()).execute());
        ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(60), "finished",
            io.egressjava.core.lifecycle.EgressSession::isTerminal);
      }
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      Path ogg = Path.of(done.getFileResults(0).getLocation());
      assertThat(Probe.stream(Probe.info(ogg), "audio").get("codec_name").asText()).isEqualTo("opus");
      double duration = Probe.info(ogg).get("format").get("duration").asDouble();
      assertThat(duration).isGreaterThan(8.0);
      Path pcm = tmp.resolve("mix.pcm");
      Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", ogg.toString(), "-ac", "1", "-ar",
          "48000", "-f", "s16le", pcm.toString()));
      byte[] samples = Files.readAllBytes(pcm);
      double early = 1.0;
      double lateAt = duration - 2.0;
      assertThat(tone(samples, early, 440)).as("440 Hz early").isGreaterThan(50 * tone(samples, early, 880));
      assertThat(tone(samples, early, 660)).as("660 Hz early").isGreaterThan(50 * tone(samples, early, 880));
      assertThat(tone(samples, lateAt, 880)).as("880 Hz after the late joiner").isGreaterThan(50 * tone(samples, lateAt, 1000));
      assertThat(tone(samples, lateAt, 440)).as("440 Hz still there").isGreaterThan(50 * tone(samples, lateAt, 1000));
    }
  }

  /** Goertzel power of {@code hz} in 0.5 s of mono s16le at {@code seconds}. */
  private static double tone(byte[] mono, double seconds, double hz) {
    int from = (int) (seconds * 48_000) * 2;
    int n = 24_000;
    double coeff = 2 * Math.cos(2 * Math.PI * hz / 48_000);
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n && from + 2 * i + 1 < mono.length; i++) {
      double x = (short) ((mono[from + 2 * i] & 0xFF) | (mono[from + 2 * i + 1] << 8));
      double s0 = x + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }
}
