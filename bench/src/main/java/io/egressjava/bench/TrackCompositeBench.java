package io.egressjava.bench;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.source.room.media.RoomMediaSource;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;

/**
 * CPU of a 720p30 track composite (VP8 + Opus from the SFU, decoded, x264 veryfast 3000 kbps + AAC
 * into MP4; GOP 10 s, Main profile) next to the ffmpeg CLI decoding the same files in real time and encoding with the same
 * settings, in the same run. Args: media dir (vp8.ivf, tone.ogg), seconds, work dir. Run in scripts/netns.sh.
 */
public final class TrackCompositeBench {
  public static void main(String[] args) throws Exception {
    Path media = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]);
    try (RedisServer redis = new RedisServer().start();
        LiveKitServer livekit = new LiveKitServer(redis.address()).start();
        FilePublisher pub = FilePublisher.start(livekit, "bench", "alice", false, media.resolve("vp8.ivf"),
            media.resolve("tone.ogg"))) {
      EgressConfig config = EgressConfigLoader.fromYaml(String.join("\n", "api_key: " + LiveKitServer.API_KEY,
          "api_secret: " + LiveKitServer.API_SECRET, "ws_url: " + livekit.wsUrl()), Map.of()).config();
      Map<String, String> tracks = tracks(livekit);
      var request = LivekitEgress.TrackCompositeEgressRequest.newBuilder().setRoomName("bench")
          .setAudioTrackId(tracks.get("audio/opus")).setVideoTrackId(tracks.get("video/vp8"))
          .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
          .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(work.resolve("composite.mp4").toString()));
      EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
          .plan(StartEgressRequest.newBuilder().setEgressId("EG_bench").setTrackComposite(request).build());
      EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
      PipelineRunner runner = new PipelineRunner(config, new RoomMediaSource(plan, null), work.resolve("egress"),
          Path.of("/"), Clock.systemUTC());
      runner.start(plan, session);
      Ports.await(Duration.ofSeconds(30), "the composite to record", () -> session.status() == EgressStatus.EGRESS_ACTIVE);
      Thread.sleep(3_000);

      long self = ProcessHandle.current().pid();
      double ours0 = ProcCpu.seconds(self);
      long t0 = System.nanoTime();
      Process peer = Ffmpeg.toolProcess("ffmpeg", List.of("-y", "-v", "error", "-re", "-i", media.resolve("vp8.ivf").toString(),
          "-re", "-i", media.resolve("tone.ogg").toString(), "-t", String.valueOf(seconds), "-map", "0:v", "-map", "1:a",
          "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-b:v", "3000k", "-g", "300", "-pix_fmt", "yuv420p",
          "-c:a", "aac", "-b:a", "128k", work.resolve("peer.mp4").toString()))
          .redirectErrorStream(true).redirectOutput(work.resolve("peer.log").toFile()).start();
      double peerCpu = 0;
      while (peer.isAlive()) {
        peerCpu = Math.max(peerCpu, ProcCpu.seconds(peer.pid()));
        Thread.sleep(200);
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double ours = (ProcCpu.seconds(self) - ours0) / wall;
      double theirs = peerCpu / wall;
      System.out.printf("track composite 1280x720 30 fps: VP8 2 Mbps + Opus from the SFU -> x264 veryfast 3000 kbps + AAC,"
          + " both for %.0f s (peer exit %d)%n", wall, peer.exitValue());
      System.out.printf("  egress JVM (WebRTC receive + decode + x264 + AAC + mux) %.2f cores, ffmpeg CLI (file decode +"
          + " same encode) %.2f cores: ours/ffmpeg %.2fx (goal <= 1.10)%n", ours, theirs, ours / theirs);
      session.ending(EgressSession.STOP_EGRESS_API);
      runner.stop();
      Ports.await(Duration.ofSeconds(60), "the egress to finish", session::isFinished);
      System.out.println("egress " + session.info().getStatus() + ", file " + Files.size(work.resolve("composite.mp4")) + " bytes");
    }
  }

  private static Map<String, String> tracks(LiveKitServer livekit) {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    Map<String, String> out = new TreeMap<>();
    Ports.await(Duration.ofSeconds(20), "published tracks", () -> {
      out.clear();
      try {
        for (LivekitModels.ParticipantInfo p : rooms.listParticipants("bench").execute().body()) {
          p.getTracksList().forEach(t -> out.put(t.getMimeType().toLowerCase(java.util.Locale.ROOT), t.getSid()));
        }
      } catch (java.io.IOException e) {
        return false;
      }
      return out.size() >= 2;
    });
    return out;
  }
}
