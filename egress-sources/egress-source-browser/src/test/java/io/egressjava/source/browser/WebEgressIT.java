package io.egressjava.source.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.testrig.NginxRtmpServer;
import io.egressjava.testrig.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web egress of a local page (animated canvas + WebAudio tone) through Chromium under Xvfb and
 * PulseAudio, checked by content: the video changes frame to frame, the tone is audible, durations
 * follow the page's start/end signals, and a killed Chrome fails the egress with a playable file
 * and nothing left running.
 */
class WebEgressIT {
  private static TestPages pages;
  private static BrowserEnvironment env;
  private static Path base;

  @BeforeAll
  static void setUp(@TempDir Path dir) throws Exception {
    base = dir;
    pages = new TestPages();
    env = BrowserEnvironment.create(dir.resolve("browser"));
  }

  @AfterAll
  static void tearDown() {
    pages.close();
  }

  private record Run(EgressSession session, List<EgressInfo> updates, PipelineRunner runner, BrowserSource source,
      Path root, long startedNanos) {}

  private static Run start(String egressId, LivekitEgress.WebEgressRequest.Builder web, Path tmp) {
    Path root = tmp.resolve("storage");
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId(egressId).setWeb(web).build());
    List<EgressInfo> updates = new CopyOnWriteArrayList<>();
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), updates::add);
    BrowserSource source = new BrowserSource(plan, env, false, false);
    PipelineRunner runner = new PipelineRunner(config, source, tmp.resolve("work"), root, Clock.systemUTC());
    long t0 = System.nanoTime();
    runner.start(plan, session);
    return new Run(session, updates, runner, source, root, t0);
  }

  private static LivekitEgress.EncodingOptions.Builder small() {
    return LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).setVideoBitrate(1500);
  }

  /** Fraction of consecutive frame pairs whose pictures differ (mean luma difference > 0.5). */
  static double changingFrames(Path file) throws Exception {
    String out = Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", file.toString(),
        "-map", "0:v:0", "-vf", "signalstats,metadata=print:key=lavfi.signalstats.YDIF:file=-", "-f", "null", "-"), false);
    Matcher m = Pattern.compile("YDIF=([0-9.]+)").matcher(out);
    int all = 0;
    int changed = 0;
    while (m.find()) {
      all++;
      if (Double.parseDouble(m.group(1)) > 0.5) {
        changed++;
      }
    }
    assertThat(all).as("frames measured").isGreaterThan(30);
    return (double) changed / all;
  }

  @Test
  void pageToMp4HlsRtmpAndImagesAtOnce(@TempDir Path tmp) throws Exception {
    try (NginxRtmpServer rtmp = new NginxRtmpServer().start()) {
      var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl(pages.url("/pattern.html?end=8")).setAdvanced(small())
          .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("web.mp4"))
          .addSegmentOutputs(LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("hls/web")
              .setPlaylistName("hls/web.m3u8").setSegmentDuration(2))
          .addStreamOutputs(LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP)
              .addUrls(rtmp.url("webkey")))
          .addImageOutputs(LivekitEgress.ImageOutput.newBuilder().setFilenamePrefix("img/web").setCaptureInterval(2));
      Run run = start("EG_web_all", web, tmp);
      Ports.await(Duration.ofSeconds(60), "the page to end the egress", run.session()::isFinished);
      EgressInfo info = run.session().info();
      assertThat(info.getStatus()).as(info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(info.getDetails()).isEqualTo("End reason: Source closed");

      Path mp4 = run.root().resolve("web.mp4");
      var probed = Probe.info(mp4);
      assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(8.0, within(1.0));
      assertThat(Probe.stream(probed, "video").get("width").asInt()).isEqualTo(640);
      assertThat(changingFrames(mp4)).as("frames that differ from the one before").isGreaterThan(0.9);
      assertThat(Probe.meanVolumeDb(mp4)).as("tone").isGreaterThan(-30);

      String playlist = Files.readString(run.root().resolve("hls/web.m3u8"));
      assertThat(playlist).endsWith("#EXT-X-ENDLIST\n");
      assertThat(info.getSegmentResults(0).getSegmentCount()).isGreaterThanOrEqualTo(4);
      assertThat(Probe.meanVolumeDb(run.root().resolve("hls/web.m3u8"))).isGreaterThan(-30);

      Ports.await(Duration.ofSeconds(10), "nginx to finalize the recording", () -> rtmp.recording("webkey").toFile().length() > 0);
      Thread.sleep(500);
      var flv = Probe.info(rtmp.recording("webkey"));
      assertThat(Probe.stream(flv, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(flv, "audio").get("codec_name").asText()).isEqualTo("aac");
      assertThat(flv.get("format").get("duration").asDouble()).isCloseTo(8.0, within(1.5));
      assertThat(info.getStreamResults(0).getStatus()).isEqualTo(LivekitEgress.StreamInfo.Status.FINISHED);

      assertThat(info.getImageResults(0).getImageCount()).isGreaterThanOrEqualTo(3);
      assertThat(run.root().resolve("img/web_00000.jpeg")).exists();
    }
  }

  @Test
  void awaitStartSignalStartsRecordingAtTheSignal(@TempDir Path tmp) throws Exception {
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl(pages.url("/pattern.html?await=3&end=7"))
        .setAwaitStartSignal(true).setAdvanced(small())
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("await.mp4"));
    Run run = start("EG_web_await", web, tmp);
    Ports.await(Duration.ofSeconds(60), "the page to end the egress", run.session()::isFinished);
    EgressInfo info = run.session().info();
    assertThat(info.getStatus()).as(info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    // nothing recorded before START_RECORDING (3 s after load) and the file ends at END_RECORDING (7 s)
    double duration = Probe.info(run.root().resolve("await.mp4")).get("format").get("duration").asDouble();
    assertThat(duration).isCloseTo(4.0, within(0.8));
    EgressInfo active = run.updates().stream().filter(u -> u.getStatus() == EgressStatus.EGRESS_ACTIVE).findFirst()
        .orElseThrow();
    assertThat((active.getStartedAt() - info.getStartedAt()) / 1e9).isGreaterThanOrEqualTo(0);
    assertThat(info.getFileResults(0).getDuration() / 1e9).isCloseTo(4.0, within(0.8));
  }

  @Test
  void chromeKilledFailsTheEgressWithAPlayableFileAndNothingLeft(@TempDir Path tmp) throws Exception {
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl(pages.url("/pattern.html")).setAdvanced(small())
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("crash.mp4"));
    Run run = start("EG_web_crash", web, tmp);
    Ports.await(Duration.ofSeconds(60), "recording", () -> run.session().info().getStatus() == EgressStatus.EGRESS_ACTIVE);
    Thread.sleep(4_000);
    long chrome = chromePid("EG_web_crash");
    assertThat(chrome).as("Chrome's browser process").isPositive();
    ProcessHandle.of(chrome).orElseThrow().destroyForcibly();
    Ports.await(Duration.ofSeconds(60), "the egress to fail", run.session()::isFinished);

    EgressInfo info = run.session().info();
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(info.getError()).contains("Chrome");
    Path mp4 = run.root().resolve("crash.mp4");
    assertThat(Probe.decodedVideoFrames(mp4)).isGreaterThan(3 * 30 - 10);
    assertThat(Probe.info(mp4).get("format").get("duration").asDouble()).isGreaterThan(3.5);

    // no Xvfb, Chrome or audio sink of this egress is left
    Ports.await(Duration.ofSeconds(10), "Chrome's processes to go", () -> chromePid("EG_web_crash") < 0);
    assertThat(ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("Xvfb"))
        .filter(p -> p.parent().map(pp -> pp.pid() == ProcessHandle.current().pid()).orElse(false)).count()).isZero();
    assertThat(env.sound().ourSinks()).noneMatch(s -> s.name().contains("EG_web_crash"));
  }

  @Test
  void pageLoadFailuresUseTheReferenceMessages(@TempDir Path tmp) {
    var missing = LivekitEgress.WebEgressRequest.newBuilder().setUrl(pages.url("/missing.html")).setAdvanced(small())
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("missing.mp4"));
    Run run = start("EG_web_404", missing, tmp.resolve("a"));
    Ports.await(Duration.ofSeconds(60), "the egress to fail", run.session()::isFinished);
    assertThat(run.session().info().getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(run.session().info().getError()).isEqualTo("page load error: Not Found");
    assertThat(run.session().info().getErrorCode()).isEqualTo(400);

    var error = LivekitEgress.WebEgressRequest.newBuilder().setUrl(pages.url("/error.html")).setAdvanced(small())
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("error.mp4"));
    Run run2 = start("EG_web_err", error, tmp.resolve("b"));
    Ports.await(Duration.ofSeconds(60), "the egress to fail", run2.session()::isFinished);
    assertThat(run2.session().info().getError()).isEqualTo("template error: room not found");
  }

  private static long chromePid(String egressId) {
    String marker = "--user-data-dir=" + env.profileDir(egressId);
    return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }
}
