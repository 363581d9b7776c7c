package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pause and resume driven the way a LiveKit user can today: {@code UpdateLayout} from LiveKit's
 * Kotlin server SDK with a JSON layout, which livekit-server hands to the egress participant as
 * metadata. The packaged server records a Python-SDK publisher whose grey level counts its seconds
 * (publish.py --counter); the checks read which seconds the file holds against when the publisher
 * showed them and when the egress says it paused (its manifest).
 */
@ExtendWith(LiveKitRig.class)
class ShippedPauseNetnsIT {
  /**
   * Seconds recorded, paused, recorded again in every test: short in the suite;
   * {@code -Dpause.seconds=30,15,20} gives the issue's run (the counter then wraps: see countedSeconds).
   */
  private static final int[] SPANS = java.util.Arrays.stream(System.getProperty("pause.seconds", "5,4,5").split(","))
      .mapToInt(Integer::parseInt).toArray();
  /**
   * The issue's bar on a file's length: the recording less the pause (cut) or the recording (gap),
   * "recording" being from the file's first media to StopEgress. Measured +0.01 to +0.13 s (cut) and
   * −0.02 to +0.10 s (gap) at 30/15/20 s: the file also holds what arrived while the stop was on its way.
   */
  private static final double LENGTH_BAR = 0.2;
  /** Seconds within this of a pause's edges may go either way: the edge cuts through them. */
  private static final double EDGE = 0.25;
  private static PackagedServer server;

  private static synchronized void server(LiveKitRig rig, Path dir) throws Exception {
    if (server == null) {
      server = new PackagedServer("shipped-pause", rig, dir, "", "");
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** @param stoppedAt when StopEgress was sent (Unix s) */
  private record Run(Path file, EgressInfo done, JsonNode manifest, TreeMap<Integer, Double> secondStarts, double stoppedAt) {
    double pausedFrom() {
      return manifest.get("paused").get(0).get("started_at").asLong() / 1e9;
    }

    double pausedUntil() {
      return manifest.get("paused").get(0).get("ended_at").asLong() / 1e9;
    }

    double fileStart() {
      return done.getFileResults(0).getStartedAt() / 1e9;
    }

    /** Wall time from the file's first media to the stop. */
    double recorded() {
      return stoppedAt - fileStart();
    }
  }

  /** Starts the egress under test. */
  @FunctionalInterface
  private interface Starter {
    EgressInfo start(EgressServiceClient client, String room, Map<String, String> tracks) throws Exception;
  }

  /** Records, pauses in {@code mode}, records again (for the {@link #SPANS}), stops. */
  private Run record(LiveKitRig rig, Path tmp, String room, String mode, boolean track) throws Exception {
    Starter starter = track ? track(tmp, "video/vp8")
        : (client, r, tracks) -> Shipped.startTrackCompositeMp4(client, r, tracks, tmp.resolve("out/tc.mp4"));
    return record(rig, tmp, room, mode, starter);
  }

  /** A track egress (as received) of the publisher's track of this {@code kind}, e.g. {@code audio/opus}. */
  private static Starter track(Path tmp, String kind) {
    return (client, r, tracks) -> ok(client.startTrackEgress(r, LivekitEgress.DirectFileOutput.newBuilder()
        .setFilepath(tmp.resolve("out/{track_id}").toString()).build(), tracks.get(kind)).execute());
  }

  private Run record(LiveKitRig rig, Path tmp, String room, String mode, Starter starter) throws Exception {
    server(rig, tmp.resolve("server"));
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PythonPublisher dana = PythonPublisher.start(rig.livekit(), room, "dana", "--counter", "--video", "640x360");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("dana");
      EgressInfo started = starter.start(client, room, tracks);
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(SPANS[0] * 1000L);
      ok(client.updateLayout(id, "{\"layout\":\"grid\",\"paused\":true,\"pause_mode\":\"" + mode + "\"}").execute());
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say it is paused", () -> watch.info(id) != null
          && watch.info(id).getDetails().startsWith("paused (" + mode + ") since "));
      Thread.sleep(SPANS[1] * 1000L);
      ok(client.updateLayout(id, "{\"layout\":\"grid\",\"paused\":false}").execute());
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say it resumed", () -> watch.info(id).getDetails()
          .matches("paused \\d+\\.\\d s in 1 span \\(" + mode + "\\)"));
      Thread.sleep(SPANS[2] * 1000L);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);
      assertThat(done.getDetails()).matches("End reason: StopEgress API; paused \\d+\\.\\d s in 1 span \\(" + mode + "\\)");
      Path file = Path.of(done.getFileResults(0).getLocation());
      JsonNode manifest = new ObjectMapper().readTree(Files.readString(Path.of(done.getManifestLocation())));
      return new Run(file, done, manifest, secondStarts(dana.output()), stoppedAt);
    }
  }

  /** The publisher's "SECOND n <unix µs>" lines: when second n began (Unix s). */
  private static TreeMap<Integer, Double> secondStarts(String output) {
    TreeMap<Integer, Double> starts = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^SECOND (\\d+) (\\d+)$").matcher(output);
    while (m.find()) {
      starts.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) / 1e6);
    }
    return starts;
  }

  /** The publisher's seconds in the file, in order, run-length collapsed (grey level 40 + 5 (n mod 30)). */
  private static List<Integer> countedSeconds(Path file) throws Exception {
    List<Integer> seen = new ArrayList<>();
    for (Probe.Luma l : Probe.lumaPerFrame(file, "iw:ih/4:0:0")) { // above the moving block
      if (l.mean() < 30 || l.mean() > 200) {
        continue; // black (gap) or a flash
      }
      int n = (int) Math.round((l.mean() - 40) / 5);
      if (seen.isEmpty() || seen.get(seen.size() - 1) != n) {
        seen.add(n);
      }
    }
    return seen;
  }

  /**
   * The seconds wholly before the pause and wholly after it are in the file, in order, and between
   * them there is none of the seconds wholly inside it (in order, so that the counter may wrap).
   */
  private static void assertSecondsAroundThePause(Run r, List<Integer> inFile) {
    List<Integer> before = new ArrayList<>();
    List<Integer> inside = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    for (var e : r.secondStarts().entrySet()) {
      double from = e.getValue();
      double to = from + 1;
      if (from < r.fileStart() + EDGE || to > r.stoppedAt() - 1.0) {
        continue; // before the recording, or in its last second (may still be on its way at the stop)
      }
      if (to <= r.pausedFrom() - EDGE) {
        before.add(e.getKey() % 30);
      } else if (from >= r.pausedFrom() + EDGE && to <= r.pausedUntil() - EDGE) {
        inside.add(e.getKey() % 30);
      } else if (from >= r.pausedUntil() + EDGE) {
        after.add(e.getKey() % 30);
      }
    }
    System.out.printf("seconds in the file %s; before %s, paused %s, after %s%n", inFile, before, inside, after);
    assertThat(inside).as("seconds shown while paused").isNotEmpty();
    assertThat(before).as("seconds recorded before the pause").isNotEmpty();
    assertThat(after).as("seconds recorded after it").isNotEmpty();
    int lastBefore = matchInOrder(inFile, before, 0);
    assertThat(lastBefore).as("%s in order in %s", before, inFile).isGreaterThanOrEqualTo(0);
    int next = inFile.subList(lastBefore + 1, inFile.size()).indexOf(after.get(0));
    assertThat(next).as("%s after %s in %s", after.get(0), before, inFile).isGreaterThanOrEqualTo(0);
    int firstAfter = lastBefore + 1 + next;
    assertThat(matchInOrder(inFile, after, firstAfter)).as("%s in order in %s", after, inFile).isGreaterThanOrEqualTo(0);
    assertThat(inFile.subList(lastBefore + 1, firstAfter)).as("between the last second before and the first after")
        .doesNotContainAnyElementsOf(inside);
  }

  /** Where the last of {@code wanted} is found in {@code list}, matching them in order from {@code from}; -1 if not all are. */
  private static int matchInOrder(List<Integer> list, List<Integer> wanted, int from) {
    int at = from - 1;
    for (int w : wanted) {
      int next = list.subList(at + 1, list.size()).indexOf(w);
      if (next < 0) {
        return -1;
      }
      at += next + 1;
    }
    return at;
  }

  /** The file holds the recording less the pause (within the issue's {@link #LENGTH_BAR}); returns its length. */
  private static double assertCutLength(Run r, String what) throws Exception {
    double paused = r.pausedUntil() - r.pausedFrom();
    double probed = Shipped.probedSeconds(r.file());
    System.out.printf("%s: file %.2f s, recorded %.2f s of which paused %.2f s (%+.2f s)%n", what, probed,
        r.recorded(), paused, probed - (r.recorded() - paused));
    assertThat(probed).as("the file is the recording less the pause").isCloseTo(r.recorded() - paused, within(LENGTH_BAR));
    Shipped.assertOneContinuousFile(r.file());
    return probed;
  }

  @Test
  void trackCompositeCutLeavesThePausedSecondsOut(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-cut", "cut", false);
    assertCutLength(r, "track composite cut");
    assertSecondsAroundThePause(r, countedSeconds(r.file()));
    Shipped.assertInSync(Shipped.sync(r.file(), null, 1000, 5)); // the last window is after the resume
    assertThat(Shipped.probe(r.file()).get("streams")).hasSize(2);
  }

  /**
   * A gap: the file keeps wall-clock time (within the issue's {@link #LENGTH_BAR}), one file that only goes forward,
   * and from the pause's start to its end every picture is black (when {@code pictures}) and the
   * sound silent (when {@code sound}); the counted seconds around it are there.
   */
  private static void assertGap(Run r, boolean pictures, boolean sound) throws Exception {
    double probed = Shipped.probedSeconds(r.file());
    System.out.printf("%s gap: file %.2f s, recorded %.2f s of which paused %.2f s (%+.2f s)%n", r.file().getFileName(), probed,
        r.recorded(), r.pausedUntil() - r.pausedFrom(), probed - r.recorded());
    assertThat(probed).as("the file keeps wall-clock time").isCloseTo(r.recorded(), within(LENGTH_BAR));
    Shipped.assertOneContinuousFile(r.file());
    double from = r.pausedFrom() - r.fileStart() + EDGE;
    double until = r.pausedUntil() - r.fileStart() - EDGE;
    if (pictures) {
      assertSecondsAroundThePause(r, countedSeconds(r.file()));
      var paused = Probe.lumaPerFrame(r.file(), "iw:ih/4:0:0").stream().filter(l -> l.seconds() >= from && l.seconds() < until).toList();
      assertThat(paused).as("pictures in %.2f–%.2f s", from, until).hasSizeGreaterThan((int) ((until - from) * 20))
          .allSatisfy(l -> assertThat(l.mean()).as("luma at %.2f s", l.seconds()).isLessThan(30));
    }
    if (sound) {
      assertThat(Probe.maxVolumeDb(r.file(), from, until - from)).as("silence while paused").isLessThan(-60);
      List<Double> beeps = Shipped.beeps(r.file(), 1000);
      assertThat(beeps).as("beeps before the pause").anyMatch(t -> t < from - 1);
      assertThat(beeps).as("beeps after it").anyMatch(t -> t > until + 1);
    }
  }

  @Test
  void trackCompositeGapKeepsThePauseBlackAndSilent(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    assertGap(record(rig, tmp, "pause-gap", "gap", false), true, true);
  }

  @Test
  void vp8TrackCutRunsOnFromAKeyFrame(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-track", "cut", true);
    double probed = assertCutLength(r, "VP8 track cut");
    assertThat(Probe.decodedVideoFrames(r.file())).as("every frame decodes").isGreaterThan((int) ((probed - 1) * 25));
    assertSecondsAroundThePause(r, countedSeconds(r.file()));
  }

  @Test
  void vp8TrackGapIsBlack(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-track-gap", "gap", true);
    assertGap(r, true, false);
    assertThat(Probe.decodedVideoFrames(r.file())).as("every frame decodes").isGreaterThan((int) ((r.recorded() - 1) * 25));
  }

  private static Starter participant(Path tmp) {
    return (client, room, tracks) -> ok(client.startParticipantEgress(room, "dana",
        new io.livekit.server.EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder()
            .setFilepath(tmp.resolve("out/participant.mp4").toString()).build(), null, null, null), false, null,
        LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(25).build()).execute());
  }

  @Test
  void participantCut(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-participant", "cut", participant(tmp));
    assertCutLength(r, "participant cut");
    assertSecondsAroundThePause(r, countedSeconds(r.file()));
    Shipped.assertInSync(Shipped.sync(r.file(), null, 1000, 4));
  }

  @Test
  void participantGap(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-participant-gap", "gap", participant(tmp));
    assertGap(r, true, true);
    Shipped.assertInSync(Shipped.sync(r.file(), null, 1000, 4));
  }

  private static Starter audioOnly(Path tmp) {
    return (client, room, tracks) -> ok(client.startRoomCompositeEgress(room, LivekitEgress.EncodedFileOutput
        .newBuilder().setFilepath(tmp.resolve("out/voice.ogg").toString()).build(), "", null, null, true, false, "",
        io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
  }

  /** The voice-AI case: the room's sound only (no Chrome), paused with a gap of silence. */
  @Test
  void audioOnlyCompositeGapIsSilent(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    assertGap(record(rig, tmp, "pause-voice", "gap", audioOnly(tmp)), false, true);
  }

  /** The same, cut: the file is the recording less the pause, beeping once a second on either side. */
  @Test
  void audioOnlyCompositeCut(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Run r = record(rig, tmp, "pause-voice-cut", "cut", audioOnly(tmp));
    assertBeepsAcrossACut(r, assertCutLength(r, "audio-only composite cut"));
  }

  /** One file that only goes forward, a beep a second with one period broken by the cut. */
  private static void assertBeepsAcrossACut(Run r, double probed) throws Exception {
    List<Double> beeps = Shipped.beeps(r.file(), 1000);
    List<Double> periods = Shipped.periods(beeps);
    assertThat(beeps).as("beeps").hasSizeGreaterThanOrEqualTo((int) probed - 2);
    assertThat(periods.stream().filter(p -> Math.abs(p - 1.0) > 0.05).count()).as("beep periods %s: one broken by the cut", periods)
        .isLessThanOrEqualTo(1);
  }

  /**
   * A room composite (Chrome renders the page, the room's sound mixed by the egress) to MP4 and
   * RTMP, paused (cut) by UpdateLayout, which reaches the egress through its page: the paused
   * seconds are not in the file, sound and pictures are in sync after the resume, and the RTMP
   * stream stayed up across the pause (one connection, FINISHED, as long as the file).
   */
  @Test
  void roomCompositeCutKeepsItsStreamUp(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    try (io.egressjava.testrig.NginxRtmpServer rtmp = new io.egressjava.testrig.NginxRtmpServer().start()) {
      Starter composite = (client, room, tracks) -> Shipped.startSmallComposite(client, room, "grid", tmp.resolve("out/rc.mp4"),
          rtmp.url("live"));
      Run r = record(rig, tmp, "pause-room", "cut", composite);
      double probed = assertCutLength(r, "room composite cut");
      assertSecondsAroundThePause(r, countedSeconds(r.file()));
      Shipped.assertInSync(Shipped.sync(r.file(), null, 1000, 5));
      rtmp.stop();
      assertThat(r.done().getStreamResultsList()).extracting(LivekitEgress.StreamInfo::getStatus)
          .containsExactly(LivekitEgress.StreamInfo.Status.FINISHED);
      assertThat(Shipped.probedSeconds(rtmp.recording("live"))).as("the stream, one connection").isCloseTo(probed, within(1.5));
    }
  }

  /** A room composite (Chrome) paused with a gap: black pictures and silence, its length the wall clock's. */
  @Test
  void roomCompositeGapIsBlackAndSilent(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Starter composite = (client, room, tracks) -> Shipped.startSmallComposite(client, room, "grid", tmp.resolve("out/rc-gap.mp4"),
        null);
    Run r = record(rig, tmp, "pause-room-gap", "gap", composite);
    assertGap(r, true, true);
    Shipped.assertInSync(Shipped.sync(r.file(), null, 1000, 4));
  }

  private static java.net.http.HttpResponse<String> post(String path, String authorization) throws Exception {
    return Shipped.control(server, path, authorization, null);
  }

  private static String token(String secret, boolean roomRecord, long ttlMillis) {
    return "Bearer " + Shipped.recordToken(secret, roomRecord, ttlMillis);
  }

  /**
   * The HTTP control endpoint of the packaged server, with tokens from LiveKit's Kotlin SDK: an Opus
   * track egress (as received, to OGG) paused and resumed there. Refused without a valid token with
   * the roomRecord grant; the file holds the recording less the pause, beeping once a second on
   * either side of the cut.
   */
  @Test
  void opusTrackCutOverTheHttpEndpoint(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "pause-http";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    String secret = io.egressjava.testrig.LiveKitServer.API_SECRET;
    try (PythonPublisher erin = PythonPublisher.start(rig.livekit(), room, "erin", "--video", "none");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 1).get("erin");
      EgressInfo started = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/{track_id}").toString()).build(), tracks.get("audio/opus")).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(SPANS[0] * 1000L);

      assertThat(post("/egress/" + id + "/pause", null).statusCode()).as("no token").isEqualTo(401);
      assertThat(post("/egress/" + id + "/pause", token("wrong-secret", true, 60_000)).statusCode()).as("wrong signature").isEqualTo(401);
      assertThat(post("/egress/" + id + "/pause", token(secret, true, -60_000)).statusCode()).as("expired").isEqualTo(401);
      assertThat(post("/egress/" + id + "/pause", token(secret, false, 60_000)).statusCode()).as("no roomRecord").isEqualTo(403);
      assertThat(post("/egress/EG_nothere/pause", token(secret, true, 60_000)).statusCode()).isEqualTo(404);
      assertThat(post("/egress/" + id + "/pause?mode=skip", token(secret, true, 60_000)).statusCode()).isEqualTo(400);
      assertThat(watch.info(id).getDetails()).as("nothing refused was applied").isEmpty();

      var paused = post("/egress/" + id + "/pause", token(secret, true, 60_000));
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(202);
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say it is paused", () -> watch.info(id).getDetails().startsWith("paused (cut)"));
      Thread.sleep(SPANS[1] * 1000L);
      assertThat(post("/egress/" + id + "/resume", token(secret, true, 60_000)).statusCode()).isEqualTo(202);
      Thread.sleep(SPANS[2] * 1000L);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);
      JsonNode manifest = new ObjectMapper().readTree(Files.readString(Path.of(done.getManifestLocation())));
      Run r = new Run(Path.of(done.getFileResults(0).getLocation()), done, manifest, new TreeMap<>(), stoppedAt);
      assertBeepsAcrossACut(r, assertCutLength(r, "Opus track cut"));
    }
  }

  /** An Opus track egress paused with a gap: Opus silence keeps the file on wall-clock time. */
  @Test
  void opusTrackGapIsSilent(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    assertGap(record(rig, tmp, "pause-opus-gap", "gap", track(tmp, "audio/opus")), false, true);
  }
}
