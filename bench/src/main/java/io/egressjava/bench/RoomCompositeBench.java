package io.egressjava.bench;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.server.handler.HandlerMain;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.BrowserSource;
import io.egressjava.source.browser.TemplateServer;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;

/**
 * CPU and memory of a 720p30 room composite of N simulcast publishers on the grid: first composed
 * without a browser ({@code room_composite_renderer: native}: decode, compose, mix, x264, all in the
 * egress JVM), with the share of repeated pictures per tile in what it wrote; then through Chrome
 * (Chrome renders the grid template, the egress captures and encodes with x264), split into the
 * egress JVM, Chrome, Xvfb and PulseAudio, and for a peer in the same run, the ffmpeg CLI capturing
 * and encoding the same display and sink with the same settings next to our pipeline. Last, the
 * ratio of the two renderers' totals.
 *
 * <p>Args: media dir (p{i}-{WxH}.ivf, tone.ogg), seconds, work dir, publishers. Run inside scripts/netns.sh.
 */
public final class RoomCompositeBench {
  public static void main(String[] args) throws Exception {
    Path media = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]);
    int publishers = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path jar = args.length > 4 ? Path.of(args[4]) : null;
    try (RedisServer redis = new RedisServer().start();
        LiveKitServer livekit = new LiveKitServer(redis.address()).start()) {
      EgressConfig config = EgressConfigLoader.fromYaml(String.join("\n", "api_key: " + LiveKitServer.API_KEY,
          "api_secret: " + LiveKitServer.API_SECRET, "ws_url: " + livekit.wsUrl(), "template_port: " + Ports.free(), "room_composite_renderer: chrome"),
          Map.of()).config();
      List<FilePublisher> started = new java.util.ArrayList<>();
      try (TemplateServer templates = TemplateServer.start(config.templatePort())) {
        for (int i = 1; i <= publishers; i++) {
          Path[] sound = i == 1 ? new Path[] {media.resolve("tone.ogg")} : new Path[0];
          started.add(FilePublisher.start(livekit, "bench", "p" + i, false, List.of("-simulcast",
              media.resolve("p" + i + "-1280x720.ivf") + "," + media.resolve("p" + i + "-640x360.ivf") + ","
                  + media.resolve("p" + i + "-320x180.ivf")), sound));
        }
        EgressConfig nativeConfig = EgressConfigLoader.fromYaml(String.join("\n", "api_key: " + LiveKitServer.API_KEY,
            "api_secret: " + LiveKitServer.API_SECRET, "ws_url: " + livekit.wsUrl(), "room_composite_renderer: native"),
            Map.of()).config();
        double[] nativeCost = runNative(nativeConfig, work, seconds, publishers); // first: the JVM's memory is its own
        if (jar != null) {
          runPackaged(livekit, redis, jar, work, seconds, publishers);
        }
        double[] chromeCost = run(config, work, seconds, publishers);
        System.out.printf("native / Chrome, %d publishers: cores %.2f / %.2f = %.2fx, RSS %.0f MB / %.0f MB = %.2fx%n",
            publishers, nativeCost[0], chromeCost[0], nativeCost[0] / chromeCost[0], nativeCost[1], chromeCost[1],
            nativeCost[1] / chromeCost[1]);
      } finally {
        started.forEach(FilePublisher::close);
      }
    }
  }

  /**
   * The same room composed without a browser (room_composite_renderer: native): decoding both
   * publishers, composing the grid, mixing the sound and encoding all happen in the egress JVM.
   */
  private static double[] runNative(EgressConfig config, Path work, int seconds, int publishers) throws Exception {
    var request = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("bench").setLayout("grid")
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(work.resolve("native.mp4").toString()));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_native").setRoomComposite(request).build());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    var source = new io.egressjava.source.room.composite.NativeComposites()
        .create(plan, new io.egressjava.core.media.SourceProvider.Context(config, work, false));
    PipelineRunner runner = new PipelineRunner(config, source, work.resolve("native"), Path.of("/"), Clock.systemUTC());
    runner.start(plan, session);
    Ports.await(Duration.ofSeconds(60), "the native composite to record", () -> session.info().getStatus() == EgressStatus.EGRESS_ACTIVE);
    Thread.sleep(3_000);
    long self = ProcessHandle.current().pid();
    double before = ProcCpu.seconds(self);
    long t0 = System.nanoTime();
    double rss = 0;
    while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
      Thread.sleep(1000);
      rss = Math.max(rss, ProcCpu.rssMb(List.of(self)));
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cores = (ProcCpu.seconds(self) - before) / wall;
    System.out.printf("native composite 1280x720 30 fps, %d publishers (VP8 simulcast, each tile asks for its layer), grid, "
        + "x264 veryfast, economy motion search, 3000 kbps + AAC, %.0f s:%n  %-40s %.2f cores, RSS at most %.0f MB%n", publishers, wall,
        "egress JVM (decode+compose+mix+x264+mux)", cores, rss);
    session.ending(EgressSession.STOP_EGRESS_API);
    runner.stop();
    Ports.await(Duration.ofSeconds(60), "the native egress to finish", session::isFinished);
    Path file = work.resolve("native.mp4");
    System.out.println("native egress " + session.info().getStatus() + ", file " + Files.size(file) + " bytes");
    RepeatedPictures.print(file, publishers, 1280, 720);
    return new double[] {cores, rss};
  }

  /**
   * The same composite as users run it: the packaged server ({@code java -jar egress-server.jar}, no
   * renderer key) started for this room's livekit-server, asked by the Kotlin server SDK. The
   * handler process that records it is measured on its own (what one more composite costs a node),
   * and the server's whole tree with it (the service and the next spare handler included).
   */
  private static void runPackaged(LiveKitServer livekit, RedisServer redis, Path jar, Path work, int seconds,
      int publishers) throws Exception {
    try (BenchServer server = new BenchServer(BenchServer.Kind.ours(jar), livekit, redis, work.resolve("packaged"), "")) {
      // a node past its start: the spare handler warmed up, the class-data archive made (its training
      // run is a busy child process of its own for a few seconds)
      Ports.await(Duration.ofSeconds(90), "the spare handler and the class-data archive", () -> {
        try {
          String log = Files.readString(server.log);
          return log.contains("warm-up done") && log.contains("class-data archive");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      EgressServiceClient egress = EgressServiceClient.Companion.createClient(livekit.httpUrl(), LiveKitServer.API_KEY,
          LiveKitServer.API_SECRET);
      long asked = System.nanoTime();
      EgressInfo started = egress.startRoomCompositeEgress("bench", LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath(work.resolve("packaged.mp4").toString()).build(), "grid", LivekitEgress.EncodingOptionsPreset.H264_720P_30,
          null, false, false, "").execute().body();
      if (started == null) {
        throw new IllegalStateException("the packaged server refused the composite; see " + server.log);
      }
      String id = started.getEgressId();
      Ports.await(Duration.ofSeconds(60), "the packaged server's composite to record", () -> status(egress, id) == EgressStatus.EGRESS_ACTIVE);
      double active = (System.nanoTime() - asked) / 1e9;
      Thread.sleep(3_000);
      // the handler recording it: the one child JVM that is busy (an idle spare uses next to nothing)
      ProcessHandle handler = server.process.children()
          .filter(p -> p.info().arguments().map(a -> List.of(a).contains(HandlerMain.class.getName())).orElse(false))
          .max(java.util.Comparator.comparingDouble(p -> ProcCpu.seconds(p.pid()))).orElseThrow();
      double handler0 = ProcCpu.seconds(handler.pid());
      double tree0 = server.tree.cpuSeconds();
      server.tree.resetPeak();
      long t0 = System.nanoTime();
      double handlerRss = 0;
      while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
        Thread.sleep(1000);
        handlerRss = Math.max(handlerRss, ProcCpu.rssMb(List.of(handler.pid())));
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      System.out.printf("the packaged server (java -jar egress-server.jar, default config), the same room, asked through the "
          + "Kotlin server SDK: ACTIVE %.2f s after the request, %.0f s measured:%n", active, wall);
      System.out.printf("  %-40s %.2f cores, RSS at most %.0f MB%n", "its handler process", (ProcCpu.seconds(handler.pid()) - handler0) / wall,
          handlerRss);
      System.out.printf("  %-40s %.2f cores, RSS at most %.0f MB%n", "whole server (service, handler, spare)",
          (server.tree.cpuSeconds() - tree0) / wall, server.tree.peakRssBytes() / 1e6);
      egress.stopEgress(id).execute();
      Ports.await(Duration.ofSeconds(60), "the packaged server's composite to finish", () -> EgressSession.isTerminal(status(egress, id)));
      System.out.println("packaged server's egress " + status(egress, id));
    }
  }

  private static EgressStatus status(EgressServiceClient egress, String id) {
    try {
      List<EgressInfo> listed = egress.listEgress(null, id, false).execute().body();
      return listed == null || listed.isEmpty() ? EgressStatus.UNRECOGNIZED : listed.get(0).getStatus();
    } catch (java.io.IOException e) {
      return EgressStatus.UNRECOGNIZED;
    }
  }

  /** The Chrome composite; returns its total cores and RSS (MB) (JVM, Chrome, Xvfb, PulseAudio). */
  private static double[] run(EgressConfig config, Path work, int seconds, int publishers) throws Exception {
    var request = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("bench").setLayout("grid")
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(work.resolve("composite.mp4").toString()));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_bench").setRoomComposite(request).build());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    BrowserEnvironment env = BrowserEnvironment.create(work.resolve("browser"));
    BrowserSource source = new BrowserSource(plan, env, false, false, System.getenv("BENCH_CHROME_LOG") == null ? Map.of()
        : Map.of("enable-logging", "", "log-file", System.getenv("BENCH_CHROME_LOG"), "vmodule", "*/p2p/*=1,*port*=1,*network*=1"));
    PipelineRunner runner = new PipelineRunner(config, source, work.resolve("egress"), Path.of("/"), Clock.systemUTC());
    runner.start(plan, session);
    Ports.await(Duration.ofSeconds(60), "the composite to record", () -> session.info().getStatus() == EgressStatus.EGRESS_ACTIVE);
    Thread.sleep(3_000); // past Chrome's start-up

    long self = ProcessHandle.current().pid();
    Set<Long> chrome = descendants("chromium", "chrome");
    Set<Long> xvfb = descendants("Xvfb");
    Set<Long> pulse = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("pulseaudio"))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
    double[] before = {ProcCpu.seconds(self), ProcCpu.seconds(chrome), ProcCpu.seconds(xvfb), ProcCpu.seconds(pulse)};
    long t0 = System.nanoTime();
    double rss = 0;
    while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
      Thread.sleep(1000);
      chrome.addAll(descendants("chromium", "chrome")); // renderer processes may come and go
      Set<Long> all = new java.util.HashSet<>(chrome);
      all.addAll(xvfb);
      all.addAll(pulse);
      all.add(self);
      rss = Math.max(rss, ProcCpu.rssMb(all));
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double[] after = {ProcCpu.seconds(self), ProcCpu.seconds(chrome), ProcCpu.seconds(xvfb), ProcCpu.seconds(pulse)};
    String[] names = {"egress JVM (capture+scale+x264+mux)", "Chrome (WebRTC decode + compositing)", "Xvfb", "PulseAudio"};
    double total = 0;
    System.out.printf("room composite through Chrome, 1280x720 30 fps, %d publishers (VP8 simulcast; the page takes the top "
        + "layer), grid, x264 veryfast, economy motion search, 3000 kbps, %.0f s%n", publishers, wall);
    for (int i = 0; i < names.length; i++) {
      double cores = (after[i] - before[i]) / wall;
      total += cores;
      System.out.printf("  %-40s %.2f cores%n", names[i], cores);
    }
    System.out.printf("  %-40s %.2f cores  (goal <= 2.0: ratio %.2f; the reference reserves 4: ratio %.2f), RSS at most %.0f MB "
        + "(with the bench JVM's)%n", "total", total, total / 2.0, total / 4.0, rss);

    // peer in the same run: the ffmpeg CLI capturing the same display and sound with the same settings
    String display = source.display();
    String monitor = source.soundMonitor();
    List<String> args = List.of("-y", "-v", "error",
        "-f", "pulse", "-server", env.sound().address(), "-sample_rate", "48000", "-channels", "2", "-i", monitor,
        "-f", "x11grab", "-draw_mouse", "0", "-video_size", "1280x720", "-framerate", "30", "-i", display + ".0+0,0",
        "-t", String.valueOf(seconds), "-map", "1:v", "-map", "0:a",
        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "3000k", "-g", "120", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", work.resolve("peer.mp4").toString());
    ProcessBuilder pb = Ffmpeg.toolProcess("ffmpeg", args).redirectErrorStream(true)
        .redirectOutput(work.resolve("peer.log").toFile());
    double ours0 = ProcCpu.seconds(self);
    long t1 = System.nanoTime();
    Process peer = pb.start();
    double peerCpu = 0;
    while (peer.isAlive()) {
      peerCpu = Math.max(peerCpu, ProcCpu.seconds(peer.pid()));
      Thread.sleep(200);
    }
    double wall2 = (System.nanoTime() - t1) / 1e9;
    double ours = (ProcCpu.seconds(self) - ours0) / wall2;
    double theirs = peerCpu / wall2;
    System.out.printf("same display and sink, both running for %.0f s (peer exit %d):%n", wall2, peer.exitValue());
    System.out.printf("  egress JVM capture+encode %.2f cores, ffmpeg CLI capture+encode %.2f cores: ours/ffmpeg %.2fx%n",
        ours, theirs, ours / theirs);

    session.ending(EgressSession.STOP_EGRESS_API);
    runner.stop();
    Ports.await(Duration.ofSeconds(60), "the egress to finish", session::isFinished);
    System.out.println("egress " + session.info().getStatus() + ", file " + Files.size(work.resolve("composite.mp4")) + " bytes");
    return new double[] {total, rss};
  }

  private static Set<Long> descendants(String... commands) {
    return ProcessHandle.current().descendants().filter(p -> {
      String c = p.info().command().orElse("");
      for (String name : commands) {
        if (c.endsWith("/" + name) || c.endsWith(name)) {
          return true;
        }
      }
      return false;
    }).map(ProcessHandle::pid).collect(Collectors.toSet());
  }
}
