package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.server.ScrapedMetrics;
import io.egressjava.server.ScrapedMetrics.Sample;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.EncodedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server's /metrics with three egresses running, each in a handler process of its own
 * (a participant to HLS, a track composite to MP4, a track to a file), read by Prometheus's own
 * text parser: the service's metrics and each handler's, merged over the handler link, with the
 * reference's names and labels.
 */
@ExtendWith(LiveKitRig.class)
class ShippedMetricsNetnsIT {

  @Test
  void threeHandlersMetricsOnTheServicesPort(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "shipped-metrics";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (Stores stores = new Stores();
        PackagedServer server = new PackagedServer("shipped-metrics", rig, tmp.resolve("server"), stores.gcpYaml(),
            "egresses_per_handler: 1");
        PythonPublisher mia = PythonPublisher.start(rig.livekit(), room, "mia", "--video", "640x360");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("mia");
      Map<String, EgressInfo> started = new LinkedHashMap<>();
      var hls = new EncodedOutputs(null, null, LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("m/hls/mia")
          .setPlaylistName("m/hls/mia.m3u8").setSegmentDuration(2).build(), null);
      started.put("participant", ok(client.startParticipantEgress(room, "mia", hls, false, null, Shipped.SMALL).execute()));
      started.put("track_composite", ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath("m/tc.mp4").build(), tracks.get("audio/opus"), tracks.get("video/vp8"), null, Shipped.SMALL).execute()));
      started.put("track", ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath("m/track-{track_id}").build(), tracks.get("audio/opus")).execute()));
      Shipped.awaitAllActive(watch, started.values());
      Thread.sleep(9_000); // a few segments uploaded, the rates over full windows

      String text = server.metrics();
      Files.writeString(Files.createDirectories(Path.of("target", "e2e")).resolve("shipped-metrics.txt"), text);
      ScrapedMetrics m = ScrapedMetrics.parse(text);

      // the service's own, with the reference's names
      assertThat(value(m, "livekit_egress_available", Map.of())).isEqualTo(0.0);
      for (String type : started.keySet()) {
        assertThat(value(m, "livekit_egress_requests", Map.of("type", type))).as(type).isEqualTo(1.0);
      }
      assertThat(value(m, "livekit_node_cpu_load", Map.of("node_type", "EGRESS"))).isBetween(0.0, 1.0);
      assertThat(value(m, "livekit_egress_proc_rss_bytes", Map.of())).isGreaterThan(100e6);
      assertThat(m.family("livekit_egress_available").samples().get(0).labels()).containsKeys("node_id", "cluster_id");

      // each handler's, by egress
      for (Map.Entry<String, EgressInfo> e : started.entrySet()) {
        Map<String, String> egress = Map.of("egress_id", e.getValue().getEgressId());
        String what = e.getKey();
        assertThat(value(m, "livekit_egress_handler_cpu_cores", egress)).as(what).isGreaterThan(0.0);
        assertThat(value(m, "livekit_egress_handler_rss_bytes", egress)).as(what).isGreaterThan(50e6);
        List<Sample> audioIn = samples(m, "livekit_egress_input_bytes", "_total", with(egress, "kind", "audio"));
        assertThat(audioIn).as(what + ": audio received").singleElement().extracting(Sample::value)
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isGreaterThan(5_000.0);
        assertThat(value(m, "livekit_egress_input_bitrate_bps", with(egress, "kind", "audio"))).as(what)
            .isBetween(10_000.0, 200_000.0);
        assertThat(samples(m, "livekit_egress_input_packets_lost", "_total", egress)).as(what).isNotEmpty();
      }
      for (String composed : List.of("participant", "track_composite")) {
        Map<String, String> egress = Map.of("egress_id", started.get(composed).getEgressId());
        // the publisher's test pattern compresses well: tens of kbit/s
        assertThat(value(m, "livekit_egress_input_bitrate_bps", with(egress, "kind", "video"))).as(composed)
            .isGreaterThan(20_000.0);
        assertThat(value(m, "livekit_egress_output_fps", egress)).as(composed).isBetween(20.0, 31.0);
        assertThat(value(m, "livekit_egress_output_bitrate_bps", egress)).as(composed).isGreaterThan(10_000.0);
        assertThat(value(m, "livekit_egress_encoder_queue_depth", egress)).as(composed).isBetween(0.0, 30.0);
        assertThat(samples(m, "livekit_egress_frames_repeated", "_total", egress)).as(composed).hasSize(1);
        double offset = value(m, "livekit_egress_av_offset_ms", with(egress, "participant", "mia"));
        assertThat(Double.isNaN(offset) || Math.abs(offset) < 200).as(composed + ": A/V offset %s ms", offset).isTrue();
      }
      Map<String, String> segments = Map.of("egress_id", started.get("participant").getEgressId(), "type", "segment",
          "status", "success");
      assertThat(value(m, "livekit_egress_pipeline_uploads", segments)).as("segments uploaded").isGreaterThanOrEqualTo(3.0);
      String histogram = "livekit_egress_pipline_upload_response_time_ms";
      assertThat(m.family(histogram).type()).isEqualTo("histogram");
      assertThat(samples(m, histogram, "_count", segments)).singleElement().extracting(Sample::value)
          .isEqualTo(value(m, "livekit_egress_pipeline_uploads", segments));
      assertThat(samples(m, "livekit_egress_upload_bytes", "_total", Map.of("egress_id",
          started.get("participant").getEgressId()))).singleElement().extracting(Sample::value)
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isGreaterThan(50_000.0);
      System.out.printf("metrics: %d families, %d samples, %d bytes (target/e2e/shipped-metrics.txt)%n",
          m.families().size(), m.families().values().stream().mapToInt(f -> f.samples().size()).sum(), text.length());

      for (EgressInfo e : started.values()) {
        Shipped.stop(client, watch, e.getEgressId());
      }
      ScrapedMetrics after = ScrapedMetrics.parse(server.metrics());
      for (String type : started.keySet()) {
        assertThat(value(after, "livekit_egress_handler_results", "_total", Map.of("type", type, "result", "completed")))
            .as(type).isEqualTo(1.0);
      }
      assertThat(after.families()).doesNotContainKey("livekit_egress_handler_cpu_cores"); // gone with their egresses
      assertThat(value(after, "livekit_egress_available", Map.of())).isEqualTo(1.0);
    }
  }

  private static Map<String, String> with(Map<String, String> labels, String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put(name, value);
    return all;
  }

  private static List<Sample> samples(ScrapedMetrics m, String family, String suffix, Map<String, String> labels) {
    return m.samples(family, family + suffix, labels);
  }

  private static double value(ScrapedMetrics m, String family, Map<String, String> labels) {
    return value(m, family, "", labels);
  }

  private static double value(ScrapedMetrics m, String family, String suffix, Map<String, String> labels) {
    List<Sample> s = samples(m, family, suffix, labels);
    assertThat(s).as("%s%s%s", family, suffix, labels).hasSize(1);
    return s.get(0).value();
  }
}
