package io.egressjava.bench;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.server.EgressService;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;

/**
 * N concurrent track egresses of 720p VP8 2 Mbps tracks through the real stack: requests go to
 * livekit-server through the Kotlin SDK, reach our service over psrpc/Redis, and each egress joins
 * over WebRTC and writes its track to WebM. Measures request→ACTIVE latency per egress and the
 * egress JVM's CPU per egress over a window; then, as a peer in the same run, N ffmpeg CLI processes
 * remux the same VP8 file to WebM at real time ({@code -re -c copy}) for the same window.
 *
 * <p>Args: media dir (vp8.ivf), egress count, seconds, work dir. Run inside scripts/netns.sh.
 */
public final class TrackEgressBench {
  private static final int TRACKS_PER_PUBLISHER = 5;
  private static final Map<String, Long> STARTED = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    Path media = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    Path work = Path.of(args[3]);
    try (RedisServer redis = new RedisServer().start();
        LiveKitServer livekit = new LiveKitServer(redis.address()).start()) {
      EgressConfig config = EgressConfigLoader.fromYaml(String.join("\n", "api_key: " + LiveKitServer.API_KEY,
          "api_secret: " + LiveKitServer.API_SECRET, "ws_url: " + livekit.wsUrl(),
          "redis: {address: " + redis.address() + "}", "template_port: " + Ports.free(),
          // track egress is cheap: let admission take all of them on this 2-core machine
          "cpu_cost: {track_cpu_cost: 0.05}"), Map.of()).config();
      List<FilePublisher> publishers = new ArrayList<>();
      try (RedisBus bus = new RedisBus(RedisBus.Endpoint.of(redis.address()));
          MediaRunners runners = new MediaRunners(config, work.resolve("egress"), Clock.systemUTC())) {
        Map<String, EgressSession> sessions = new ConcurrentHashMap<>();
        EgressService service = new EgressService(config, bus, plan -> observed(runners.create(plan), sessions),
            Clock.systemUTC(), 2.0).start();
        for (int p = 0; p * TRACKS_PER_PUBLISHER < count; p++) {
          Path[] files = Collections.nCopies(Math.min(TRACKS_PER_PUBLISHER, count - p * TRACKS_PER_PUBLISHER),
              media.resolve("vp8.ivf")).toArray(Path[]::new);
          publishers.add(FilePublisher.start(livekit, "bench", "pub" + p, false, files));
        }
        run(livekit, service, sessions, count, seconds, media, work);
        service.close();
      } finally {
        publishers.forEach(FilePublisher::close);
      }
    }
  }

  /** Wraps a runner to see its session (for the ACTIVE time). */
  private static EgressRunner observed(EgressRunner runner, Map<String, EgressSession> sessions) {
    return new EgressRunner() {
      @Override
      public void start(EgressPlan plan, EgressSession session) {
        STARTED.put(plan.egressId(), System.nanoTime());
        sessions.put(plan.egressId(), session);
        runner.start(plan, session);
      }

      @Override
      public void stop() {
        runner.stop();
      }
    };
  }

  private static void run(LiveKitServer livekit, EgressService service, Map<String, EgressSession> sessions, int count,
      int seconds, Path media, Path work) throws Exception {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    EgressServiceClient egress = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    List<String> tracks = new ArrayList<>();
    Ports.await(Duration.ofSeconds(60), count + " published tracks", () -> {
      tracks.clear();
      try {
        for (LivekitModels.ParticipantInfo p : rooms.listParticipants("bench").execute().body()) {
          p.getTracksList().forEach(t -> tracks.add(t.getSid()));
        }
      } catch (java.io.IOException e) {
        return false;
      }
      return tracks.size() >= count;
    });
    Thread.sleep(2_000); // publishers past their start

    List<Double> latenciesMs = new ArrayList<>();
    List<Double> dispatchMs = new ArrayList<>();
    List<String> egressIds = new ArrayList<>();
    for (String track : tracks) {
      long t0 = System.nanoTime();
      LivekitEgress.EgressInfo info = egress.startTrackEgress("bench", LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(work.resolve("out").toString() + "/{track_id}").build(), track).execute().body();
      String id = info.getEgressId();
      egressIds.add(id);
      Ports.await(Duration.ofSeconds(20), id + " to be active", () -> {
        EgressSession s = sessions.get(id);
        return s != null && s.status() == EgressStatus.EGRESS_ACTIVE;
      });
      latenciesMs.add((System.nanoTime() - t0) / 1e6);
      dispatchMs.add((STARTED.get(id) - t0) / 1e6);
    }
    Thread.sleep(3_000); // every egress past its first key frame

    long self = ProcessHandle.current().pid();
    double before = ProcCpu.seconds(self);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double wall = (System.nanoTime() - t0) / 1e9;
    double ours = (ProcCpu.seconds(self) - before) / wall;

    // peer: ffmpeg CLI remuxing the same VP8 to WebM at real time, one process per stream
    List<Process> peers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      peers.add(io.egressjava.media.ffmpeg.Ffmpeg.toolProcess("ffmpeg", List.of("-y", "-v", "error", "-re",
          "-i", media.resolve("vp8.ivf").toString(), "-t", String.valueOf(seconds + 2), "-c", "copy", "-f", "webm",
          work.resolve("peer-" + i + ".webm").toString())).redirectErrorStream(true)
          .redirectOutput(work.resolve("peer-" + i + ".log").toFile()).start());
    }
    Thread.sleep(1_000);
    double peerBefore = 0;
    for (Process p : peers) {
      peerBefore += ProcCpu.seconds(p.pid());
    }
    long t1 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double peerAfter = 0;
    for (Process p : peers) {
      peerAfter += ProcCpu.seconds(p.pid());
    }
    double peerCores = (peerAfter - peerBefore) / ((System.nanoTime() - t1) / 1e9);
    for (Process p : peers) {
      p.waitFor();
    }

    for (String id : egressIds) {
      egress.stopEgress(id).execute();
    }
    Ports.await(Duration.ofSeconds(60), "every egress to finish", () ->
        egressIds.stream().allMatch(id -> sessions.get(id).isFinished()));
    long complete = egressIds.stream().filter(id -> sessions.get(id).status() == EgressStatus.EGRESS_COMPLETE).count();
    long bytes = 0;
    try (var files = Files.list(work.resolve("out"))) {
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
    }
    List<Double> sorted = new ArrayList<>(latenciesMs);
    Collections.sort(sorted);
    List<Double> dispatch = new ArrayList<>(dispatchMs);
    Collections.sort(dispatch);
    System.out.printf("%d concurrent track egresses, VP8 1280x720 30 fps ~2 Mbps each, passthrough to WebM, %.0f s window%n",
        count, wall);
    System.out.printf("  egress JVM: %.3f cores total, %.4f cores per egress (goal <= 0.01)%n", ours, ours / count);
    System.out.printf("  request->ACTIVE (Kotlin SDK -> livekit-server -> psrpc -> WebRTC subscribed): p50 %.0f ms, p95 %.0f ms,"
        + " max %.0f ms (goal <= 500)%n", sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
        sorted.get(sorted.size() - 1));
    System.out.printf("    of which request->runner start (Twirp, livekit-server, psrpc claim/affinity): p50 %.0f ms, max %.0f ms;"
        + " the rest is join + ICE + DTLS + subscription + the SFU waiting for the publisher's next key frame"
        + " (file publisher GOP 0.5 s)%n", dispatch.get(dispatch.size() / 2), dispatch.get(dispatch.size() - 1));
    System.out.printf("  peer, same run: %d ffmpeg CLI -re -c copy remuxes of the file: %.3f cores total, %.4f per stream;"
        + " ours/peer %.2fx (ours also does SRTP, RTP reassembly, NACK)%n", count, peerCores, peerCores / count,
        ours / peerCores);
    System.out.printf("  outcome: %d/%d COMPLETE, %d MB written, service still running %d%n", complete, count,
        bytes / 1_000_000, service.running().size());
  }
}
