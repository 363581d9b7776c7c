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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan recorded end to end from a synthetic source: file, HLS and images stored, results in EgressInfo. */
class PipelineRunnerTest {

  @Test
  void webPlanToMp4HlsAndImages(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("storage"));
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
        .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setVideoBitrate(1000))
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("rec/web.mp4"))
        .addSegmentOutputs(LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("hls/seg")
            .setPlaylistName("hls/index.m3u8").setSegmentDuration(2))
        .addImageOutputs(LivekitEgress.ImageOutput.newBuilder().setFilenamePrefix("img/thumb").setCaptureInterval(2)
            .setWidth(320).setHeight(180));
    EgressPlan plan = new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_pipeline").setWeb(web).build());

    List<EgressInfo> updates = new CopyOnWriteArrayList<>();
    EgressSession session = new EgressSession(plan, Clock.systemUTC(), updates::add);
    TestPatternSource source = new TestPatternSource(800, 600, 30).unpaced(5);
    PipelineRunner runner = new PipelineRunner(config, source, tmp.resolve("work"), root, Clock.systemUTC());
    runner.start(plan, session);
    source.pushed().get(60, java.util.concurrent.TimeUnit.SECONDS); // 5 s of media, without waiting 5 s
    session.ending(EgressSession.STOP_EGRESS_API);
    runner.stop();
    io.egressjava.testrig.Ports.await(java.time.Duration.ofSeconds(30), "the egress to finish", session::isFinished);

    EgressInfo info = session.info();
    assertThat(info.getStatus()).as(info.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(updates).extracting(EgressInfo::getStatus).contains(EgressStatus.EGRESS_ACTIVE, EgressStatus.EGRESS_ENDING);
    assertThat(info.getDetails()).isEqualTo("End reason: StopEgress API");

    var file = info.getFileResults(0);
    assertThat(file.getFilename()).isEqualTo("rec/web.mp4");
    assertThat(file.getLocation()).isEqualTo(root.resolve("rec/web.mp4").toString());
    assertThat(file.getSize()).isEqualTo(Files.size(root.resolve("rec/web.mp4")));
    assertThat(file.getDuration() / 1e9).isCloseTo(5.0, within(0.7));
    var probed = Probe.info(root.resolve("rec/web.mp4"));
    assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(5.0, within(0.7));
    assertThat(Probe.stream(probed, "video").get("width").asInt()).isEqualTo(640); // 800×600 fitted into 640×360
    assertThat(Probe.meanVolumeDb(root.resolve("rec/web.mp4"))).isGreaterThan(-40);

    var segments = info.getSegmentResults(0);
    assertThat(segments.getSegmentCount()).isGreaterThanOrEqualTo(2);
    assertThat(segments.getPlaylistLocation()).isEqualTo(root.resolve("hls/index.m3u8").toString());
    assertThat(Files.readString(root.resolve("hls/index.m3u8"))).endsWith("#EXT-X-ENDLIST\n");

    assertThat(info.getImageResults(0).getImageCount()).isGreaterThanOrEqualTo(2);
    assertThat(root.resolve("img/thumb_00000.jpeg")).exists();

    assertThat(info.getManifestLocation()).isEqualTo(root.resolve("rec/EG_pipeline.json").toString());
    assertThat(Files.readString(root.resolve("rec/EG_pipeline.json"))).contains("\"egress_id\":\"EG_pipeline\"",
        "\"files\":[{\"filename\":\"rec/web.mp4\"", "\"images\":[");
  }
}
