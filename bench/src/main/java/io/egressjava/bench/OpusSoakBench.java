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
        int inOrder = 0;
        double recordedSeconds = 0;
        Map<String, List<Comparison>> byTrack = new LinkedHashMap<>();
        for (EgressInfo e : ended.values()) {
          if (e.getStatus() != EgressStatus.EGRESS_COMPLETE || e.getFileResultsCount() == 0) {
            System.out.printf("%s: %s %s%n", e.getEgressId(), e.getStatus(), e.getError());
            continue;
          }
          Path file = Path.of(e.getFileResults(0).getLocation());
          List<byte[]> recorded = PacketReader.read(file).stream().map(PacketReader.Packet::data).toList();
          recordedSeconds += recorded.size() * 0.02;
          Comparison c = compare(published, recorded);
          byTrack.computeIfAbsent(e.getTrack().getTrackId(), t -> new ArrayList<>()).add(c);
          if (c.exact()) {
            exact++;
          } else {
            System.out.printf("%s (%s): %s%s%n", e.getEgressId(), file.getFileName(),
                c.missing().isEmpty() ? "" : c.missing().size() + " published packets missing " + c.missing(),
                c.disorder() == null ? "" : " " + c.disorder());
          }
          if (c.disorder() == null) {
            inOrder++;
          }
        }
        // a packet missing from every recording of its track never left the SFU; one that another
        // recording of the same track has was lost on the way to this egress (or by it)
        long upstream = 0;
        long ours = 0;
        for (List<Comparison> recordings : byTrack.values()) {
          java.util.Set<Integer> somewhere = new java.util.HashSet<>();
          recordings.forEach(c -> somewhere.addAll(c.missing()));
          for (int index : somewhere) {
            boolean everywhere = recordings.stream().allMatch(c -> c.missing().contains(index) || c.first() > index);
            if (everywhere) {
              upstream++;
            } else {
              ours += recordings.stream().filter(c -> c.missing().contains(index)).count();
            }
          }
        }
        List<Double> active = new ArrayList<>(activeAfter.values());
        m.put("started", (double) ids.size());
        m.put("request -> ACTIVE, mean (s)", active.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        m.put("request -> ACTIVE, max (s)", active.isEmpty() ? Double.NaN : Collections.max(active));
        m.put("COMPLETE", (double) ended.values().stream().filter(e -> e.getStatus() == EgressStatus.EGRESS_COMPLETE).count());
        m.put("byte-exact files", (double) exact);
        m.put("files of published packets in order (gaps allowed)", (double) inOrder);
        m.put("packets no recording of their track has (never left the SFU)", (double) upstream);
        m.put("packets one recording lacks that another of its track has", (double) ours);
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
   * A recording against the published packets: where it starts, the published packets it lacks
   * (by index), and what is neither a published packet in order nor the SFU's own silence.
   */
  record Comparison(int first, java.util.Set<Integer> missing, String disorder) {
    boolean exact() {
      return disorder == null && missing.isEmpty();
    }
  }

  /**
   * Walks a recording along the published packets from the one its first packet is (the SFU's
   * silence frames may come first and last): a packet that is the published one a little further
   * on means the ones between are missing; anything else is disorder.
   */
  static Comparison compare(List<byte[]> published, List<byte[]> recorded) {
    java.util.Set<Integer> missing = new java.util.TreeSet<>();
    int i = 0;
    while (i < recorded.size() && i < SFU_SILENCE_FRAMES && isSfuSilence(recorded.get(i))) {
      i++;
    }
    if (i == recorded.size()) {
      return new Comparison(-1, missing, "no published packet recorded");
    }
    int first = -1;
    for (int k = 0; k < published.size() && first < 0; k++) {
      if (Arrays.equals(published.get(k), recorded.get(i))) {
        first = k;
      }
    }
    if (first < 0) {
      return new Comparison(-1, missing, "first packet not in the published file");
    }
    int j = first;
    for (; i < recorded.size(); i++) {
      byte[] r = recorded.get(i);
      if (j < published.size() && Arrays.equals(published.get(j), r)) {
        j++;
        continue;
      }
      int ahead = -1;
      for (int g = 1; g <= 500 && j + g < published.size() && ahead < 0; g++) {
        if (Arrays.equals(published.get(j + g), r)) {
          ahead = g;
        }
      }
      if (ahead > 0) {
        for (int g = 0; g < ahead; g++) {
          missing.add(j + g);
        }
        j += ahead + 1;
      } else if (isSfuSilence(r) && recorded.size() - i <= SFU_SILENCE_FRAMES) {
        break; // the SFU's silence at the end
      } else {
        return new Comparison(first, missing, String.format(Locale.ROOT,
            "packet %d of %d is not the next published packets (expected %d)", i, recorded.size(), j));
      }
    }
    return new Comparison(first, missing, null);
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
