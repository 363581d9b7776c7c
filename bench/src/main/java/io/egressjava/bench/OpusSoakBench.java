package io.egressjava.bench;

import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * The voice-AI load: N concurrent Opus track egresses (default 100) for a long run (default 300 s)
 * on one node, publishers on LiveKit's Go SDK (pion) sending an Opus file of noise (every frame
 * unique, so a recording's place in it is unambiguous), each track recorded by
 * {@value #EGRESSES_PER_TRACK} egresses (each its own subscriber), requests through the Kotlin
 * server SDK.
 * Checks that every egress completes and that every recorded Opus packet is byte for byte the
 * published packet at its place (nothing lost, repeated or reordered); measures request → ACTIVE,
 * CPU and RSS of the whole tree. With a Go egress binary it runs the same on it first.
 *
 * <p>Args: work dir, egress-server.jar (with lib/), the Opus OGG to publish, egresses, seconds,
 * optionally the Go egress binary. Run in scripts/netns.sh.
 */
public final class OpusSoakBench {
  private static final int TRACKS_PER_PUBLISHER = 4;
  /**
   * Egresses recording each published track: 125 pion publishers' tracks and livekit-server took
   * 1.3 of the 2 cores before any egress ran, so the rig, not the egress, decided the result.
   */
  private static final int EGRESSES_PER_TRACK = 4;
  /** The SFU ends an Opus track with up to ~0.2 s of its own silence frames (webrtc-receive.md §4). */
  private static final int SFU_SILENCE_FRAMES = 15;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    Path jar = Path.of(args[1]);
    Path opus = Path.of(args[2]);
    int count = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    Path goBinary = args.length > 5 ? Path.of(args[5]) : null;
    List<byte[]> published = PacketReader.read(opus).stream().map(PacketReader.Packet::data).toList();
    Map<String, Map<String, Double>> results = new LinkedHashMap<>();
    try (RedisServer redis = new RedisServer().start();
        LiveKitServer livekit = new LiveKitServer(redis.address()).start()) {
      if (goBinary != null) {
        results.put("go", run(livekit, redis, BenchServer.Kind.go(goBinary), work.resolve("go"), opus, published, count,
            seconds));
      }
      results.put("ours", run(livekit, redis, BenchServer.Kind.ours(jar), work.resolve("ours"), opus, published, count,
          seconds));
    }
    System.out.printf("%n%d concurrent Opus track egresses (OGG) for %d s%n", count, seconds);
    System.out.println("| metric | Go egress | egress-java | ours / Go |");
    System.out.println("|---|---|---|---|");
    for (var metric : results.get("ours").entrySet()) {
      Double theirs = results.containsKey("go") ? results.get("go").get(metric.getKey()) : null;
      String ratio = theirs == null || theirs == 0 ? "" : String.format(Locale.ROOT, "%.2f", metric.getValue() / theirs);
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", metric.getKey(), theirs == null ? "-" : format(theirs),
          format(metric.getValue()), ratio);
    }
  }

  private static Map<String, Double> run(LiveKitServer livekit, RedisServer redis, BenchServer.Kind kind, Path dir,
      Path opus, List<byte[]> published, int count, int seconds) throws Exception {
    Map<String, Double> m = new LinkedHashMap<>();
    String room = kind.name() + "-soak";
    Path out = Files.createDirectories(dir.resolve("out"));
    // 100 x 0.01 cores fit in 0.95 x 2: admission must not be what is measured
    try (BenchServer server = new BenchServer(kind, livekit, redis, dir,
        "cpu_cost: {max_cpu_utilization: 0.95, track_cpu_cost: 0.01}")) {
      RoomServiceClient rooms = RoomServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
          LiveKitServer.API_SECRET);
      EgressServiceClient egress = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
          LiveKitServer.API_SECRET);
      rooms.createRoom(room).execute();
      int trackCount = (count + EGRESSES_PER_TRACK - 1) / EGRESSES_PER_TRACK;
      List<FilePublisher> publishers = BenchRoom.publishCopies(livekit, room, "voice", opus,
          BenchRoom.spare(trackCount), TRACKS_PER_PUBLISHER, dir);
      ExecutorService requests = Executors.newFixedThreadPool(20);
      try {
        List<LivekitModels.TrackInfo> tracks = BenchRoom.awaitTracks(rooms, room, trackCount);
        Thread.sleep(2_000);
        double cpu0 = server.tree.cpuSeconds();
        Map<String, Long> requested = new ConcurrentHashMap<>();
        List<Future<String>> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          String track = tracks.get(i % trackCount).getSid();
          int index = i;
          started.add(requests.submit(() -> {
            long at = System.nanoTime();
            EgressInfo info = egress.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
                .setFilepath(out + "/" + index + "-{track_id}.ogg").build(), track).execute().body();
            if (info == null) {
              throw new IllegalStateException("StartEgress refused");
            }
            requested.put(info.getEgressId(), at);
            return info.getEgressId();
          }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : started) {
          try {
            ids.add(f.get(120, TimeUnit.SECONDS));
          } catch (java.util.concurrent.ExecutionException e) {
            System.out.println("StartEgress failed: " + e.getCause());
          }
        }
        Map<String, Double> activeAfter = new ConcurrentHashMap<>();
        BenchRoom.pollListed(egress, room, Duration.ofSeconds(180), () -> activeAfter.size() == ids.size(), info -> {
          Long at = requested.get(info.getEgressId());
          if (at != null && info.getStatus() == EgressStatus.EGRESS_ACTIVE) {
            activeAfter.putIfAbsent(info.getEgressId(), (System.nanoTime() - at) / 1e9);
          }
        });
        System.out.printf("%s: %d of %d started, %d ACTIVE; recording %d s%n", kind.name(), ids.size(), count,
            activeAfter.size(), seconds);
        Thread.sleep(5_000);
        server.tree.resetPeak();
        double steady0 = server.tree.cpuSeconds();
        long w0 = System.nanoTime();
        Thread.sleep(Math.max(0, seconds - 5) * 1000L);
        double steadyCpu = (server.tree.cpuSeconds() - steady0) / ((System.nanoTime() - w0) / 1e9);
        long peakRss = server.tree.peakRssBytes();
        for (String id : ids) {
          egress.stopEgress(id).execute();
        }
        Map<String, EgressInfo> ended = new ConcurrentHashMap<>();
        BenchRoom.pollListed(egress, room, Duration.ofSeconds(180), () -> ended.size() == ids.size(), info -> {
          if (ids.contains(info.getEgressId()) && info.getStatusValue() >= EgressStatus.EGRESS_COMPLETE_VALUE) {
            ended.put(info.getEgressId(), info);
          }
        });
        double totalCpu = server.tree.cpuSeconds() - cpu0;
        int exact = 0;
        double recordedSeconds = 0;
        for (EgressInfo e : ended.values()) {
          if (e.getStatus() != EgressStatus.EGRESS_COMPLETE || e.getFileResultsCount() == 0) {
            System.out.printf("%s: %s %s%n", e.getEgressId(), e.getStatus(), e.getError());
            continue;
          }
          Path file = Path.of(e.getFileResults(0).getLocation());
          List<byte[]> recorded = PacketReader.read(file).stream().map(PacketReader.Packet::data).toList();
          recordedSeconds += recorded.size() * 0.02;
          String mismatch = mismatch(published, recorded);
          if (mismatch == null) {
            exact++;
          } else {
            System.out.printf("%s (%s): %s%n", e.getEgressId(), file.getFileName(), mismatch);
          }
        }
        List<Double> active = new ArrayList<>(activeAfter.values());
        m.put("started", (double) ids.size());
        m.put("request -> ACTIVE, mean (s)", active.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        m.put("request -> ACTIVE, max (s)", active.isEmpty() ? Double.NaN : Collections.max(active));
        m.put("COMPLETE", (double) ended.values().stream().filter(e -> e.getStatus() == EgressStatus.EGRESS_COMPLETE).count());
        m.put("byte-exact files", (double) exact);
        m.put("recorded, mean per egress (s)", ended.isEmpty() ? Double.NaN : recordedSeconds / ended.size());
        m.put("steady CPU, all egresses (cores)", steadyCpu);
        m.put("peak RSS of the tree while recording (MB)", peakRss / 1e6);
        m.put("total CPU, first request -> all complete (CPU-s)", totalCpu);
      } finally {
        requests.shutdownNow();
        publishers.forEach(FilePublisher::close);
      }
    }
    return m;
  }

  /**
   * Null when every recorded packet is the published packet at its place (after the first one,
   * found in the published file; the SFU's own silence frames may follow the last), else what differs.
   */
  static String mismatch(List<byte[]> published, List<byte[]> recorded) {
    if (recorded.isEmpty()) {
      return "no packets";
    }
    int first = -1;
    for (int i = 0; i < published.size() && first < 0; i++) {
      if (Arrays.equals(published.get(i), recorded.get(0))) {
        first = i;
      }
    }
    if (first < 0) {
      return "first packet not in the published file";
    }
    int matched = 0;
    while (matched < recorded.size() && first + matched < published.size()
        && Arrays.equals(published.get(first + matched), recorded.get(matched))) {
      matched++;
    }
    int rest = recorded.size() - matched;
    if (rest == 0 || rest <= SFU_SILENCE_FRAMES && recorded.subList(matched, recorded.size()).stream()
        .allMatch(OpusSoakBench::isSfuSilence)) {
      return null;
    }
    return String.format(Locale.ROOT, "packet %d of %d differs from published packet %d", matched, recorded.size(),
        first + matched);
  }

  /** An Opus frame of digital silence as the SFU writes it: TOC 0xF8 then 0xFF 0xFE. */
  private static boolean isSfuSilence(byte[] frame) {
    return frame.length >= 3 && (frame[0] & 0xFF) == 0xF8 && (frame[1] & 0xFF) == 0xFF && (frame[2] & 0xFF) == 0xFE;
  }

  private static String format(double v) {
    return Double.isNaN(v) ? "n/a" : v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
