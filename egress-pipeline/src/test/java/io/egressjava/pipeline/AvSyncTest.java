package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.media.ffmpeg.SyncAnalyzer;
import io.egressjava.testrig.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timestamps on one clock: the test pattern's flash and beep stay together in the output, also after
 * the camera stalls (the last frame is repeated) and the microphone stalls (silence is inserted).
 */
class AvSyncTest {

  @Test
  void flashAndBeepStayTogetherThroughStalls(@TempDir Path tmp) throws Exception {
    var web = webRequest("sync.mp4").addSegmentOutputs(LivekitEgress.SegmentedFileOutput.newBuilder()
        .setFilenamePrefix("hls/seg").setPlaylistName("hls/index.m3u8").setSegmentDuration(2));
    // camera frozen from 1.5 s to 2.6 s, microphone silent from 3.5 s to 4.6 s
    Path root = record(tmp, web, new TestPatternSource(640, 360, 30).stallVideo(1.5, 2.6).stallAudio(3.5, 4.6), 7_000);
    Path file = root.resolve("sync.mp4");
    var probed = Probe.info(file);
    double videoSeconds = Probe.stream(probed, "video").get("duration").asDouble();
    double audioSeconds = Probe.stream(probed, "audio").get("duration").asDouble();
    // the stalls did not shorten either stream, and they end together
    assertThat(videoSeconds).isCloseTo(7.0, within(0.5));
    assertThat(audioSeconds).isCloseTo(videoSeconds, within(0.1));
    assertThat(Probe.decodedVideoFrames(file)).isCloseTo((int) Math.round(videoSeconds * 30), within(2));

    SyncAnalyzer.Result sync = SyncAnalyzer.analyze(file);
    System.out.println("A/V sync through stalls: " + sync + " offsets(s)=" + sync.offsets());
    // flashes at 0,1 and 3..6 s (the one at 2 s fell in the camera stall); beeps at 0..3, 5, 6 s (4 s was muted)
    assertThat(sync.offsets()).as(sync.toString()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(sync.maxAbsOffset()).as(sync.toString()).isLessThanOrEqualTo(0.040);
    // after both stalls the pair is still together
    assertThat(sync.offsetsFrom(4.9)).as(sync.toString()).isNotEmpty()
        .allSatisfy(o -> assertThat(Math.abs(o)).isLessThanOrEqualTo(0.040));

    // the HLS rendition of the same encoders, read through its playlist
    SyncAnalyzer.Result hls = SyncAnalyzer.analyze(root.resolve("hls/index.m3u8"));
    System.out.println("A/V sync of HLS: " + hls + " offsets(s)=" + hls.offsets());
    assertThat(hls.offsets()).as(hls.toString()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(hls.maxAbsOffset()).as(hls.toString()).isLessThanOrEqualTo(0.040);
  }

  /**
   * The camera's first picture comes 1.2 s after the sound (a room track waiting for its key frame):
   * the video starts there, as the reference's does — not early, not running early, and not frozen
   * on its first picture before it.
   */
  @Test
  void aCameraThatStartsLateStaysInSync(@TempDir Path tmp) throws Exception {
    Path root = record(tmp, webRequest("late.mp4"), new TestPatternSource(640, 360, 30).stallVideo(0, 1.2), 5_000);
    Path file = root.resolve("late.mp4");
    var probed = Probe.info(file);
    var video = Probe.stream(probed, "video");
    double audioSeconds = Probe.stream(probed, "audio").get("duration").asDouble();
    assertThat(video.get("start_time").asDouble()).as("video starts with its first picture").isCloseTo(1.2, within(0.05));
    assertThat(video.get("start_time").asDouble() + video.get("duration").asDouble()).as("video ends with the sound")
        .isCloseTo(audioSeconds, within(0.1));
    assertThat(Probe.frozenLeadIn(Probe.frameHashes(file))).as("frames repeating the first picture").isLessThanOrEqualTo(2);
    SyncAnalyzer.Result sync = SyncAnalyzer.analyze(file);
    System.out.println("A/V sync with a late camera: " + sync + " offsets(s)=" + sync.offsets());
    assertThat(sync.flashes().get(0)).as("first flash (the one at 1 s fell before the camera started)")
        .isCloseTo(2.0, within(0.04));
    assertThat(sync.offsets()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(sync.maxAbsOffset()).as(sync.toString()).isLessThanOrEqualTo(0.040);
  }

  private static LivekitEgress.WebEgressRequest.Builder webRequest(String file) {
    return LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setVideoBitrate(1000))
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file));
  }

  /** Records {@code millis} of the pattern through the pipeline, unpaced; returns the storage root. */
  private static Path record(Path tmp, LivekitEgress.WebEgressRequest.Builder web, TestPatternSource source, long millis)
      throws Exception {
    Path root = Files.createDirectories(tmp.resolve("storage"));
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_sync").setWeb(web).build());
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), i -> { });
    PipelineRunner runner = new PipelineRunner(config, source, tmp.resolve("work"), root, Clock.systemUTC());
    runner.start(plan, session);
    source.unpaced(millis / 1000.0).pushed().get(60, java.util.concurrent.TimeUnit.SECONDS);
    session.ending(EgressSession.STOP_EGRESS_API);
    runner.stop();
    Ports.await(Duration.ofSeconds(30), "the egress to finish", session::isFinished);
    assertThat(session.info().getStatus()).as(session.info().getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    return root;
  }
}
