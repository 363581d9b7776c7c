package io.egressjava.examples;

import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.EncodedOutputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;

/**
 * The whole service on one machine: redis-server, livekit-server --dev and the packaged
 * egress-server on 127.0.0.1, two synthetic publishers (LiveKit Go SDK), and a room composite
 * (MP4 + HLS + thumbnails) requested through the Kotlin SDK, stopped after ~15 s; prints where the
 * outputs are with a one-line probe of each. Run by scripts/demo.sh (inside scripts/netns.sh).
 */
public final class ServerDemo {
  public static void main(String[] args) throws Exception {
    Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "demo-output").toAbsolutePath());
    Path media = Files.createDirectories(out.resolve("publisher-media"));
    encode(media);
    try (RedisServer redis = new RedisServer().start(); LiveKitServer livekit = new LiveKitServer(redis.address()).start()) {
      Process server = startServer(livekit, redis, out);
      try (FilePublisher alice = FilePublisher.start(livekit, "demo", "alice", false, media.resolve("alice.ivf"),
              media.resolve("tone.ogg"));
          FilePublisher bob = FilePublisher.start(livekit, "demo", "bob", false, media.resolve("bob.ivf"))) {
        EgressServiceClient client = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
            LiveKitServer.API_SECRET);
        var outputs = new EncodedOutputs(
            LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(out.resolve("{room_name}-{time}.mp4").toString()).build(),
            null,
            LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix(out.resolve("hls/demo").toString())
                .setPlaylistName("demo.m3u8").setSegmentDuration(4).build(),
            LivekitEgress.ImageOutput.newBuilder().setFilenamePrefix(out.resolve("thumbs/demo").toString())
                .setCaptureInterval(5).setWidth(320).setHeight(180).build());
        EgressInfo started = call(client.startRoomCompositeEgress("demo", outputs, "grid",
            LivekitEgress.EncodingOptionsPreset.H264_720P_30, null, false, false, ""));
        String id = started.getEgressId();
        System.out.println("room composite " + id + " requested through livekit-server; recording ~15 s...");
        Ports.await(Duration.ofSeconds(60), "recording", () -> status(client, id) == EgressStatus.EGRESS_ACTIVE);
        Thread.sleep(15_000);
        call(client.stopEgress(id));
        Ports.await(Duration.ofSeconds(60), "the egress to finish", () -> EgressSession.isTerminal(status(client, id)));
        EgressInfo done = call(client.listEgress(null, id, false)).get(0);
        report(done);
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  private static void report(EgressInfo info) throws Exception {
    System.out.println();
    System.out.println("egress " + info.getEgressId() + ": " + info.getStatus() + " (" + info.getDetails() + ")"
        + (info.getError().isEmpty() ? "" : " error: " + info.getError()));
    for (var f : info.getFileResultsList()) {
      System.out.println("  file      " + f.getLocation() + "\n            " + probe(Path.of(f.getLocation())));
    }
    for (var s : info.getSegmentResultsList()) {
      System.out.println("  hls       " + s.getPlaylistLocation() + " (" + s.getSegmentCount() + " segments)\n            "
          + probe(Path.of(s.getPlaylistLocation())));
    }
    for (var i : info.getImageResultsList()) {
      Path dir = Path.of(i.getFilenamePrefix()).getParent();
      try (var files = Files.list(dir)) {
        Path first = files.sorted().findFirst().orElseThrow();
        System.out.println("  images    " + i.getImageCount() + " in " + dir + "\n            " + probe(first));
      }
    }
  }

  /** codec, size and duration of every stream, by the bundled ffprobe. */
  private static String probe(Path file) throws IOException, InterruptedException {
    Process p = Ffmpeg.toolProcess("ffprobe", List.of("-v", "error", "-show_entries",
        "stream=codec_name,width,height:format=duration", "-of", "compact=p=0:nk=1", file.toString()))
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes()).trim().replace("\n", " · ");
    p.waitFor();
    return text;
  }

  private static Process startServer(LiveKitServer livekit, RedisServer redis, Path out) throws IOException {
    String config = String.join("\n", "api_key: " + LiveKitServer.API_KEY, "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + livekit.wsUrl(), "redis: {address: " + redis.address() + "}", "template_port: " + Ports.free(),
        "health_port: " + Ports.free(), "bind_address: 127.0.0.1",
        // a 2-core demo machine: the reference would reserve 4 cores for a room composite
        "cpu_cost: {room_composite_cpu_cost: 1}");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of(System.getProperty("egress.server.jar", "egress-server/target/egress-server.jar")).toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(out.resolve("egress-server.log").toFile());
    pb.environment().put("EGRESS_CONFIG_BODY", config);
    System.out.println("egress-server started (log: " + out.resolve("egress-server.log") + ")");
    return pb.start();
  }

  private static void encode(Path dir) throws IOException, InterruptedException {
    List<List<String>> jobs = new ArrayList<>();
    jobs.add(List.of("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "60", "-c:v", "libvpx", "-b:v", "800k",
        "-deadline", "realtime", "-cpu-used", "8", "-g", "60", dir.resolve("alice.ivf").toString()));
    jobs.add(List.of("-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-t", "60", "-c:v", "libvpx", "-b:v", "800k",
        "-deadline", "realtime", "-cpu-used", "8", "-g", "60", dir.resolve("bob.ivf").toString()));
    jobs.add(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60", "-ac", "2", "-c:a",
        "libopus", dir.resolve("tone.ogg").toString()));
    for (List<String> job : jobs) {
      List<String> args = new ArrayList<>(List.of("-y", "-v", "error"));
      args.addAll(job);
      if (Ffmpeg.toolProcess("ffmpeg", args).inheritIO().start().waitFor() != 0) {
        throw new IOException("could not encode " + job.get(job.size() - 1));
      }
    }
  }

  private static <T> T call(retrofit2.Call<T> call) throws IOException {
    var r = call.execute();
    if (!r.isSuccessful()) {
      throw new IOException("HTTP " + r.code() + ": " + (r.errorBody() == null ? "" : r.errorBody().string()));
    }
    return r.body();
  }

  private static EgressStatus status(EgressServiceClient client, String id) {
    try {
      var list = call(client.listEgress(null, id, false));
      return list.isEmpty() ? EgressStatus.EGRESS_STARTING : list.get(0).getStatus();
    } catch (IOException e) {
      return EgressStatus.EGRESS_STARTING;
    }
  }
}
