package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.media.ffmpeg.SyncAnalyzer;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import retrofit2.Response;

/** What the end-to-end tests do as users do: LiveKit's SDKs for the API, ffprobe and decoding for the content. */
final class Shipped {
  /** The sync bar of the issue: the mean flash-to-beep offset of a window. */
  static final double SYNC_BAR = 0.040;
  /** How close a reported duration must be to the stored file's. */
  static final double DURATION_BAR = 0.5;

  private Shipped() {}

  static EgressServiceClient egressClient(LiveKitRig rig) {
    return EgressServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET);
  }

  static RoomServiceClient roomClient(LiveKitRig rig) {
    return RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET);
  }

  static <T> T ok(Response<T> r) throws IOException {
    assertThat(r.isSuccessful()).as("HTTP %s: %s", r.code(), r.errorBody() == null ? "" : r.errorBody().string()).isTrue();
    return r.body();
  }

  static void createRoom(LiveKitRig rig, String room) throws IOException {
    ok(roomClient(rig).createRoom(room).execute());
  }

  /** identity → (mime → track SID), once {@code count} tracks are published in the room (waits up to 20 s). */
  static Map<String, Map<String, String>> awaitTracks(LiveKitRig rig, String room, int count) throws Exception {
    Map<String, Map<String, String>> out = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      out.clear();
      int n = 0;
      for (LivekitModels.ParticipantInfo p : ok(roomClient(rig).listParticipants(room).execute())) {
        for (LivekitModels.TrackInfo t : p.getTracksList()) {
          out.computeIfAbsent(p.getIdentity(), k -> new TreeMap<>()).put(t.getMimeType().toLowerCase(Locale.ROOT), t.getSid());
          n++;
        }
      }
      if (n >= count || System.nanoTime() > deadline) {
        assertThat(n).as("tracks published in %s: %s", room, out).isGreaterThanOrEqualTo(count);
        return out;
      }
      Thread.sleep(100);
    }
  }

  static void awaitStatus(StatusWatch watch, String egressId, Duration timeout, String what, Predicate<EgressStatus> wanted) {
    Ports.await(timeout, egressId + " to be " + what + " (seen " + watch.statuses(egressId) + ")", () -> {
      EgressInfo i = watch.info(egressId);
      return i != null && wanted.test(i.getStatus());
    });
  }

  static void awaitActive(StatusWatch watch, String egressId) {
    awaitStatus(watch, egressId, Duration.ofSeconds(60), "ACTIVE", s -> s == EgressStatus.EGRESS_ACTIVE);
  }

  /**
   * Watches each egress until it is ACTIVE; returns when each was first seen ACTIVE
   * (System.nanoTime, within the watch's poll), by egress ID.
   */
  static Map<String, Long> awaitAllActive(StatusWatch watch, java.util.Collection<EgressInfo> started) {
    Map<String, Long> activeAt = new java.util.LinkedHashMap<>();
    for (EgressInfo e : started) {
      watch.note(e);
    }
    for (EgressInfo e : started) {
      awaitActive(watch, e.getEgressId());
      activeAt.put(e.getEgressId(), watch.firstSeen(e.getEgressId(), EgressStatus.EGRESS_ACTIVE));
    }
    return activeAt;
  }

  /**
   * Waits (up to 10 s) for the egress's spool directory to go: the service deletes it once the
   * handler has closed the egress's link, which is after the final update livekit-server lists
   * (the journal keeps that update until it is sent), so the directory can outlive it briefly.
   */
  static void awaitSpoolGone(Path spool, String egressId) {
    Path dir = spool.resolve(egressId);
    Ports.await(Duration.ofSeconds(10), "the spool of " + egressId + " to be deleted: " + dir, () -> !Files.exists(dir));
  }

  /**
   * A track composite of a publisher's {@code audio/opus} and {@code video/vp8} tracks to a local
   * MP4 (640x360, 25 fps, 800 kbps), as the fault tests record it.
   */
  static EgressInfo startTrackCompositeMp4(EgressServiceClient client, String room, Map<String, String> tracks, Path out)
      throws IOException {
    return ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(out.toString())
        .build(), tracks.get("audio/opus"), tracks.get("video/vp8"), null, LivekitEgress.EncodingOptions.newBuilder()
        .setWidth(640).setHeight(360).setFramerate(25).setVideoBitrate(800).build()).execute());
  }

  /** Prints the rows of a fault test's table (fault, egress, outcome, media kept vs recorded, bytes stored). */
  static void printFaultTable(List<String> rows) {
    System.out.println("| fault | egress | outcome | media kept vs recorded | stored |");
    System.out.println("|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  /** StopEgress through the SDK (answered ENDING), then the final info as livekit-server lists it. */
  static EgressInfo stop(EgressServiceClient client, StatusWatch watch, String egressId) throws IOException {
    EgressInfo answer = ok(client.stopEgress(egressId).execute());
    watch.note(answer);
    assertThat(answer.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
    return awaitEnd(watch, egressId);
  }

  /** StopEgress unless it already ended by itself (its publisher left), then its final info. */
  static EgressInfo stopUnlessEnded(EgressServiceClient client, StatusWatch watch, String egressId) throws IOException {
    EgressInfo now = watch.info(egressId);
    if (now != null && EgressSession.isTerminal(now.getStatus())) {
      return awaitEnd(watch, egressId);
    }
    Response<EgressInfo> r = client.stopEgress(egressId).execute();
    if (r.isSuccessful()) {
      watch.note(r.body());
    }
    return awaitEnd(watch, egressId);
  }

  static EgressInfo awaitEnd(StatusWatch watch, String egressId) {
    awaitStatus(watch, egressId, Duration.ofSeconds(120), "finished", EgressSession::isTerminal);
    watch.assertNeverBackwards(egressId);
    return watch.info(egressId);
  }

  static void assertComplete(EgressInfo info) {
    assertThat(info.getStatus()).as("%s: %s", info.getEgressId(), info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
  }

  /** A test pattern as VP8 in IVF (what the Go SDK publisher sends), made with the bundled ffmpeg. */
  static Path vp8Ivf(Path out, String size, int seconds, String bitrate, int gop) throws Exception {
    Probe.run(List.of(io.egressjava.media.ffmpeg.Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error", "-f",
        "lavfi", "-i", "testsrc2=s=" + size + ":r=30", "-t", Integer.toString(seconds), "-c:v", "libvpx", "-b:v", bitrate,
        "-g", Integer.toString(gop), "-deadline", "realtime", "-cpu-used", "8", out.toString()));
    return out;
  }

  /** ffprobe's view of a stored file. */
  static JsonNode probe(Path file) throws Exception {
    return Probe.info(file);
  }

  static double probedSeconds(Path file) throws Exception {
    return probe(file).get("format").get("duration").asDouble();
  }

  static String codec(Path file, String type) throws Exception {
    JsonNode s = Probe.stream(probe(file), type);
    return s == null ? null : s.get("codec_name").asText();
  }

  /** The reported duration (ns) is the stored file's, within {@link #DURATION_BAR}. */
  static void assertReportedDuration(long reportedNanos, Path stored) throws Exception {
    assertThat(reportedNanos / 1e9).as("reported duration of %s", stored.getFileName())
        .isCloseTo(probedSeconds(stored), within(DURATION_BAR));
  }

  /** Flash/beep sync of a recording: the mean offset of the first and the last {@code window} seconds. */
  record Sync(SyncAnalyzer.Result result, double firstMean, double lastMean, int firstPairs, int lastPairs) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s; first window mean %+.1f ms (%d pairs), last window mean %+.1f ms (%d pairs); "
          + "pairs (flash s: beep - flash ms) %s", result, firstMean * 1000, firstPairs, lastMean * 1000, lastPairs,
          result.pairs().stream().map(p -> String.format(Locale.ROOT, "%.2f:%+.1f", p.flash(), p.offset() * 1000)).toList());
    }
  }

  /** One recording, not several joined: one container header, and each stream's decode times only ever go forward. */
  static void assertOneContinuousFile(Path file) throws Exception {
    assertThat(Probe.containerHeaders(file)).as("container headers in %s", file.getFileName()).isEqualTo(1);
    Map<Integer, List<Double>> times = Probe.packetDecodeTimes(file);
    assertThat(times).as("streams with packets").isNotEmpty();
    times.forEach((stream, dts) -> {
      for (int i = 1; i < dts.size(); i++) {
        assertThat(dts.get(i)).as("stream %d packet %d's decode time after %.3f s", stream, i, dts.get(i - 1)).isGreaterThan(dts.get(i - 1));
      }
    });
  }

  static Sync sync(Path file, String crop, double beepHz, double window) throws Exception {
    SyncAnalyzer.Result r = SyncAnalyzer.analyze(file, crop, beepHz);
    assertThat(r.flashes()).as("flashes in %s", file.getFileName()).hasSizeGreaterThanOrEqualTo(3);
    double end = r.flashes().get(r.flashes().size() - 1);
    double start = r.flashes().get(0);
    List<Double> first = offsets(r, start, start + window);
    List<Double> last = offsets(r, Math.max(start, end - window), end + 1);
    return new Sync(r, mean(first), mean(last), first.size(), last.size());
  }

  /**
   * Asserts the sync bar on both windows, and that no whole second is skipped between
   * flash and beep (pairs see the offset only modulo the 1 s period).
   */
  static void assertInSync(Sync s) {
    assertInSync(s, "");
  }

  /** As {@link #assertInSync(Sync)}; {@code context} (e.g. the egress's log lines) goes into a failure's message. */
  static void assertInSync(Sync s, String context) {
    System.out.println("A/V sync: " + s);
    assertThat(s.firstPairs()).as("pairs in the first window; flashes at %s s, beeps at %s s%n%s", times(s.result().flashes()),
        times(s.result().beeps()), context).isGreaterThanOrEqualTo(3);
    assertThat(Math.abs(s.firstMean())).as("|mean beep - flash|, first window: %s%n%s", s, context).isLessThanOrEqualTo(SYNC_BAR);
    assertThat(Math.abs(s.lastMean())).as("|mean beep - flash|, last window: %s%n%s", s, context).isLessThanOrEqualTo(SYNC_BAR);
  }

  private static String times(List<Double> seconds) {
    return seconds.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList().toString();
  }

  /**
   * The onsets of the beeps at {@code hz}, without one the recording (or that publisher's sound)
   * starts in the middle of: its onset is where the sound starts, not the beep, and it is shorter.
   */
  static List<Double> beeps(Path file, double hz) throws Exception {
    List<SyncAnalyzer.Beep> beeps = new ArrayList<>(SyncAnalyzer.beeps(file, hz));
    if (beeps.size() > 2) {
      double typical = beeps.stream().mapToDouble(SyncAnalyzer.Beep::seconds).sorted().skip(beeps.size() / 2).findFirst().orElseThrow();
      SyncAnalyzer.Beep first = beeps.get(0);
      if (first.onset() < 0.15 || first.seconds() < typical - 0.010) {
        System.out.printf("%s Hz: first beep at %.3f s (%.0f ms, typically %.0f) left out: cut at its start%n", hz,
            first.onset(), first.seconds() * 1000, typical * 1000);
        beeps.remove(0);
      }
    }
    return beeps.stream().map(SyncAnalyzer.Beep::onset).toList();
  }

  /** Beep to beep, for a publisher that beeps once a second. */
  static List<Double> periods(List<Double> beeps) {
    List<Double> p = new ArrayList<>();
    for (int i = 1; i < beeps.size(); i++) {
      p.add(beeps.get(i) - beeps.get(i - 1));
    }
    return p;
  }

  private static List<Double> offsets(SyncAnalyzer.Result r, double from, double to) {
    return r.pairs().stream().filter(p -> p.flash() >= from && p.flash() < to).map(SyncAnalyzer.Pair::offset).toList();
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** 640x360 at 25 fps, 1000 kbps: the small room composite the consent and native tests record. */
  static final LivekitEgress.EncodingOptions SMALL = LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360)
      .setFramerate(25).setVideoBitrate(1000).build();

  /** A room composite of the whole room to an MP4 at {@code file} (and RTMP to {@code rtmp} unless null), {@link #SMALL}. */
  static EgressInfo startSmallComposite(EgressServiceClient client, String room, String layout, Path file, String rtmp)
      throws IOException {
    return ok(client.startRoomCompositeEgress(room, new io.livekit.server.EncodedOutputs(
        LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(),
        rtmp == null ? null : LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP).addUrls(rtmp).build(),
        null, null), layout, null, SMALL, false, false, "", io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
  }

  /** A v2 StartEgress (JSON, as protobuf's JSON form), which the Kotlin SDK cannot send, through LiveKit's Python server SDK. */
  static EgressInfo startV2(LiveKitRig rig, String json) throws Exception {
    io.egressjava.testrig.PythonSdk.Answer a = io.egressjava.testrig.PythonSdk.egressApi(rig.livekit(), "start_egress", json);
    assertThat(a.ok()).as("StartEgress: %s %s", a.twirpCode(), a.twirpMessage()).isTrue();
    EgressInfo.Builder b = EgressInfo.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(a.json(), b);
    return b.build();
  }

  /** A LiveKit access token from the Kotlin SDK, for the control endpoint: roomRecord, or only roomJoin. */
  static String recordToken(String secret, boolean roomRecord, long ttlMillis) {
    var t = new io.livekit.server.AccessToken(io.egressjava.testrig.LiveKitServer.API_KEY, secret);
    t.setIdentity("backend");
    t.setTtl(ttlMillis);
    t.addGrants(roomRecord ? new io.livekit.server.RoomRecord(true) : new io.livekit.server.RoomJoin(true));
    return t.toJwt();
  }

  /** POSTs to the packaged server's control endpoint ({@code body} null for none). */
  static java.net.http.HttpResponse<String> control(PackagedServer server, String path, String authorization, String body)
      throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.healthPort() + path))
        .POST(body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
