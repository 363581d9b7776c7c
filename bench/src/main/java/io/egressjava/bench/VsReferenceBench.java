package io.egressjava.bench;

import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;

/**
 * Our packaged egress-server beside the Go egress (livekit/egress, built by
 * {@code ../shared/tools/reference-egress/build.sh}), one after the other on one livekit-server,
 * with the same publishers (LiveKit Go SDK, 1280x720 30 fps VP8 2 Mbps and Opus files), the same
 * requests (Kotlin SDK through livekit-server) and the same admission costs. Each server runs as
 * operators start it; its whole process tree is measured from /proc ({@link ProcessTree}).
 *
 * <p>Per scenario: StartEgress answered (the slowest), request → ACTIVE as livekit-server lists it
 * (mean, max), CPU of the tree from the first request to the last egress complete, steady CPU per
 * second and RSS over a 20 s window with every egress running, and for track egress the longest
 * hole between packets in any file.
 *
 * <p>Args: work dir, our egress-server.jar (with its lib/), media dir (video720.ivf, audio.ogg),
 * then optionally the Go egress binary (its run-handler found next to it). Run in scripts/netns.sh.
 * {@code -Dscenarios=1,4} picks scenarios by number (1, 5, 20 track egresses, track composite, audio
 * composites, 20 track egresses with one handler process SIGKILLed after the steady window: how many
 * egresses fail, whether the others complete, and whether what the failed ones recorded is left
 * on disk, readable).
 */
public final class VsReferenceBench {
  private static final int STEADY_SECONDS = 20;
  private static final int TRACKS_PER_PUBLISHER = 4;

  private enum Kind { TRACK, TRACK_COMPOSITE, AUDIO_COMPOSITE, TRACK_HANDLER_KILLED }

  private record Scenario(String name, Kind kind, int count) {}

  private static final List<Scenario> SCENARIOS = List.of(
      new Scenario("1 track egress (VP8 -> WebM)", Kind.TRACK, 1),
      new Scenario("5 concurrent track egresses", Kind.TRACK, 5),
      new Scenario("20 concurrent track egresses", Kind.TRACK, 20),
      new Scenario("track composite 720p30 (H.264 MP4)", Kind.TRACK_COMPOSITE, 1),
      new Scenario("10 concurrent audio-only track composites (OGG)", Kind.AUDIO_COMPOSITE, 10),
      new Scenario("20 concurrent track egresses, one handler SIGKILLed", Kind.TRACK_HANDLER_KILLED, 20));

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Path ourJar = Path.of(args[1]);
    Path media = Path.of(args[2]);
    Path goBinary = args.length > 3 ? Path.of(args[3]) : null;
    Map<String, Map<String, Map<String, Double>>> results = new LinkedHashMap<>(); // server -> scenario -> metric
    try (RedisServer redis = new RedisServer().start();
        LiveKitServer livekit = new LiveKitServer(redis.address()).start()) {
      if (goBinary != null) {
        results.put("go", runAll(livekit, redis, BenchServer.Kind.go(goBinary), work.resolve("go"), media));
      }
      results.put("ours", runAll(livekit, redis, BenchServer.Kind.ours(ourJar), work.resolve("ours"), media));
    }
    print(results);
  }

  private static Map<String, Map<String, Double>> runAll(LiveKitServer livekit, RedisServer redis, BenchServer.Kind server,
      Path dir, Path media) throws Exception {
    Map<String, Map<String, Double>> byScenario = new LinkedHashMap<>();
    // the same admission for both: on 2 cores the reference's default costs refuse most requests;
    // 20 x 0.05 and 10 x 0.15 fit in 0.95 x 2 cores, a refusal would show as "refused", not as slowness
    try (BenchServer running = new BenchServer(server, livekit, redis, dir,
        "cpu_cost: {max_cpu_utilization: 0.95, track_cpu_cost: 0.05, track_composite_cpu_cost: 0.15}")) {
      ProcessTree tree = running.tree;
      Thread.sleep(8_000); // a warm spare handler, if any, is part of what idles
      Map<String, Double> idle = new LinkedHashMap<>();
      idle.put("idle RSS (MB)", tree.rssBytes() / 1e6);
      byScenario.put("idle", idle);
      int n = 0;
      for (Scenario s : chosen()) {
        System.out.printf("%s: %s ...%n", server.name(), s.name());
        Map<String, Double> m = scenario(livekit, running, s, server.name() + "-" + n++, dir.resolve("out-" + n), media);
        System.out.printf("%s: %s: %s%n", server.name(), s.name(), m);
        byScenario.put(s.name(), m);
        Thread.sleep(5_000); // handlers gone, spare back
      }
    }
    return byScenario;
  }

  /** ACTIVE, or past it the way a recording that ran goes (an egress aborted or failed before ACTIVE never was). */
  private static boolean reachedActive(EgressStatus status) {
    return status == EgressStatus.EGRESS_ACTIVE || status == EgressStatus.EGRESS_ENDING
        || status == EgressStatus.EGRESS_COMPLETE;
  }

  /** {@code -Dscenarios=1,3} runs the first and third only (numbered from 1). */
  private static List<Scenario> chosen() {
    String only = System.getProperty("scenarios", "");
    if (only.isBlank()) {
      return SCENARIOS;
    }
    return java.util.Arrays.stream(only.split(",")).map(String::trim).map(i -> SCENARIOS.get(Integer.parseInt(i) - 1)).toList();
  }

  private static Map<String, Double> scenario(LiveKitServer livekit, BenchServer server, Scenario s, String room, Path out,
      Path media) throws Exception {
    ProcessTree tree = server.tree;
    Files.createDirectories(out);
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    EgressServiceClient egress = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    rooms.createRoom(room).execute();
    List<FilePublisher> publishers = new ArrayList<>();
    ExecutorService requests = Executors.newFixedThreadPool(Math.max(1, s.count()));
    Map<String, Double> m = new LinkedHashMap<>();
    try {
      Path video = media.resolve("video720.ivf");
      Path audio = media.resolve("audio.ogg");
      int tracksWanted = switch (s.kind()) {
        case TRACK, TRACK_HANDLER_KILLED -> {
          publishers.addAll(BenchRoom.publishCopies(livekit, room, "pub", video, BenchRoom.spare(s.count()), TRACKS_PER_PUBLISHER, out));
          yield s.count();
        }
        case TRACK_COMPOSITE -> {
          publishers.add(FilePublisher.start(livekit, room, "camera", false, video, audio));
          yield 2;
        }
        case AUDIO_COMPOSITE -> {
          publishers.addAll(BenchRoom.publishCopies(livekit, room, "voice", audio, BenchRoom.spare(s.count()), TRACKS_PER_PUBLISHER, out));
          yield s.count();
        }
      };
      List<LivekitModels.TrackInfo> tracks = BenchRoom.awaitTracks(rooms, room, tracksWanted);
      Thread.sleep(2_000); // publishers past their start

      double cpu0 = tree.cpuSeconds();
      long t0 = System.nanoTime();
      Map<String, Long> requested = new ConcurrentHashMap<>();
      Map<String, Integer> indexOf = new ConcurrentHashMap<>();
      List<Future<String>> started = new ArrayList<>();
      List<Double> answered = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < s.count(); i++) {
        int index = i;
        started.add(requests.submit(() -> {
          long at = System.nanoTime();
          EgressInfo info = start(egress, s, room, tracks, index, out).execute().body();
          answered.add((System.nanoTime() - at) / 1e9);
          if (info == null) {
            throw new IllegalStateException("StartEgress refused");
          }
          requested.put(info.getEgressId(), at);
          indexOf.put(info.getEgressId(), index);
          return info.getEgressId();
        }));
      }
      List<String> ids = new ArrayList<>();
      int refused = 0;
      for (Future<String> f : started) {
        try {
          ids.add(f.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          refused++; // refused or not answered in the SDK's 10 s
          System.out.println(room + ": StartEgress failed: " + e.getCause());
        }
      }
      Map<String, Double> activeAfter = new ConcurrentHashMap<>();
      BenchRoom.pollListed(egress, room, Duration.ofSeconds(90), () -> activeAfter.size() == ids.size(), info -> {
        Long at = requested.get(info.getEgressId());
        if (at != null && reachedActive(info.getStatus())) {
          activeAfter.putIfAbsent(info.getEgressId(), (System.nanoTime() - at) / 1e9);
        }
      });
      Thread.sleep(3_000); // every egress past its first key frame
      tree.resetPeak();
      double steady0 = tree.cpuSeconds();
      long w0 = System.nanoTime();
      Thread.sleep(STEADY_SECONDS * 1000L);
      double window = (System.nanoTime() - w0) / 1e9;
      double steadyCpu = (tree.cpuSeconds() - steady0) / window;
      long steadyRss = tree.peakRssBytes();

      long killedHandler = -1;
      if (s.kind() == Kind.TRACK_HANDLER_KILLED) {
        ProcessHandle handler = server.process.children()
            .filter(p -> p.info().command().orElse("").endsWith("java") || p.info().arguments().map(List::of)
                .orElse(List.of()).contains("run-handler"))
            // the one that has worked most holds egresses (a spare holds none)
            .max(java.util.Comparator.comparingDouble(p -> ProcCpu.seconds(p.pid())))
            .orElseThrow(() -> new IllegalStateException("no handler process to kill"));
        killedHandler = handler.pid();
        handler.destroyForcibly();
        Thread.sleep(3_000); // the others record on
      }
      long stopAt = System.nanoTime();
      for (String id : ids) {
        egress.stopEgress(id).execute();
      }
      m.put("StopEgress x " + ids.size() + ", sequential (s)", (System.nanoTime() - stopAt) / 1e9);
      Map<String, EgressStatus> ended = new ConcurrentHashMap<>();
      BenchRoom.pollListed(egress, room, Duration.ofSeconds(120), () -> ended.size() == ids.size(), info -> {
        if (ids.contains(info.getEgressId()) && info.getStatusValue() >= EgressStatus.EGRESS_COMPLETE_VALUE
            && info.getStatus() != EgressStatus.EGRESS_LIMIT_REACHED) {
          ended.put(info.getEgressId(), info.getStatus());
        }
      });
      Thread.sleep(1_000); // handler processes exit after their last update
      double totalCpu = tree.cpuSeconds() - cpu0;
      double wall = (System.nanoTime() - t0) / 1e9;

      if (s.kind() == Kind.TRACK_HANDLER_KILLED) {
        List<String> failed = ended.entrySet().stream().filter(e -> e.getValue() == EgressStatus.EGRESS_FAILED)
            .map(Map.Entry::getKey).toList();
        m.put("handler killed (pid)", (double) killedHandler);
        m.put("FAILED", (double) failed.size());
        m.put("FAILED whose recording is kept, readable", (double) keptRecordings(failed, indexOf, server.dir, out));
      }
      m.put("StartEgress refused or timed out", (double) refused);
      m.put("StartEgress answered, slowest (s)", answered.isEmpty() ? Double.NaN : Collections.max(answered));
      m.put("request -> ACTIVE, mean (s)", activeAfter.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
      m.put("request -> ACTIVE, max (s)", activeAfter.size() < ids.size() ? Double.NaN
          : activeAfter.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
      m.put("ACTIVE within 90 s", (double) activeAfter.size());
      m.put("total CPU, first request -> all complete (CPU-s)", totalCpu);
      m.put("steady CPU (cores)", steadyCpu);
      m.put("steady RSS of the tree, peak (MB)", steadyRss / 1e6);
      m.put("COMPLETE", (double) ended.values().stream().filter(st -> st == EgressStatus.EGRESS_COMPLETE).count());
      m.put("of", (double) s.count());
      m.put("wall, first request -> all complete (s)", wall);
      if (s.kind() == Kind.TRACK || s.kind() == Kind.TRACK_HANDLER_KILLED) {
        m.put("longest hole in any file (ms)", longestHoleMs(out));
      }
    } finally {
      requests.shutdownNow();
      publishers.forEach(FilePublisher::close);
    }
    return m;
  }

  private static retrofit2.Call<EgressInfo> start(EgressServiceClient egress, Scenario s, String room,
      List<LivekitModels.TrackInfo> tracks, int index, Path out) {
    return switch (s.kind()) {
      case TRACK, TRACK_HANDLER_KILLED -> egress.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(out + "/" + index + "-{track_id}.webm").build(), tracks.get(index).getSid());
      case TRACK_COMPOSITE -> egress.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
              .setFileType(LivekitEgress.EncodedFileType.MP4).setFilepath(out + "/composite.mp4").build(),
          sid(tracks, LivekitModels.TrackType.AUDIO, 0), sid(tracks, LivekitModels.TrackType.VIDEO, 0),
          LivekitEgress.EncodingOptionsPreset.H264_720P_30, null);
      case AUDIO_COMPOSITE -> egress.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
              .setFileType(LivekitEgress.EncodedFileType.OGG).setFilepath(out + "/voice-" + index + ".ogg").build(),
          sid(tracks, LivekitModels.TrackType.AUDIO, index), null, null, null);
    };
  }

  private static String sid(List<LivekitModels.TrackInfo> tracks, LivekitModels.TrackType type, int index) {
    return tracks.stream().filter(t -> t.getType() == type).skip(index).findFirst().orElseThrow().getSid();
  }

  /**
   * How many of {@code failed} left a readable WebM: in the scenario's output directory named for
   * the egress's request index, or anywhere under the server's temp files (TMPDIR for the Go
   * egress; {@code java.io.tmpdir}/egress-java, i.e. /tmp, for ours) in a path naming the egress.
   */
  private static int keptRecordings(List<String> failed, Map<String, Integer> indexOf, Path serverDir, Path out)
      throws IOException {
    List<Path> webms = new ArrayList<>();
    for (Path root : List.of(serverDir.resolve("tmp"), Path.of(System.getProperty("java.io.tmpdir"), "egress-java"), out)) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (var files = Files.walk(root)) {
        files.filter(f -> f.getFileName().toString().endsWith(".webm") && Files.isRegularFile(f)).forEach(webms::add);
      }
    }
    int kept = 0;
    for (String id : failed) {
      String prefix = indexOf.get(id) + "-";
      for (Path f : webms) {
        boolean named = f.startsWith(out) && f.getFileName().toString().startsWith(prefix);
        if (!named && !f.toString().contains(id)) {
          continue;
        }
        try {
          List<PacketReader.Packet> packets = PacketReader.read(f);
          System.out.printf("kept for %s: %s, %d packets%n", id, f, packets.size());
          if (!packets.isEmpty()) {
            kept++;
            break;
          }
        } catch (RuntimeException e) {
          System.out.printf("not readable for %s: %s (%s)%n", id, f, e.getMessage());
        }
      }
    }
    return kept;
  }

  /** The longest gap between consecutive packets of any track file (WebM) in {@code dir}, in ms. */
  private static double longestHoleMs(Path dir) throws IOException {
    double longest = 0;
    try (var files = Files.list(dir)) {
      // only the recordings: the Go egress writes a JSON manifest beside each
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".webm")).toList()) {
        List<Double> pts = PacketReader.read(f).stream().map(PacketReader.Packet::seconds).sorted().toList();
        for (int i = 1; i < pts.size(); i++) {
          longest = Math.max(longest, (pts.get(i) - pts.get(i - 1)) * 1000);
        }
      }
    }
    return longest;
  }

  private static void print(Map<String, Map<String, Map<String, Double>>> results) {
    Map<String, Map<String, Double>> ours = results.get("ours");
    Map<String, Map<String, Double>> go = results.get("go");
    System.out.println();
    System.out.println("| scenario | metric | Go egress | egress-java | ours / Go |");
    System.out.println("|---|---|---|---|---|");
    for (var scenario : ours.entrySet()) {
      for (var metric : scenario.getValue().entrySet()) {
        Double theirs = go == null ? null : go.getOrDefault(scenario.getKey(), Map.of()).get(metric.getKey());
        double mine = metric.getValue();
        String ratio = theirs == null || theirs == 0 || Double.isNaN(theirs) ? "" : String.format(Locale.ROOT, "%.2f", mine / theirs);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", scenario.getKey(), metric.getKey(),
            theirs == null ? "-" : format(theirs), format(mine), ratio);
      }
    }
  }

  private static String format(double v) {
    return Double.isNaN(v) ? "n/a" : v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
