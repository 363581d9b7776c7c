package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.metrics.BucketHistogram;
import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.psrpc.LocalBus;
import io.egressjava.psrpc.RpcClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;

/**
 * /metrics as Prometheus's own parser reads it: the service's metrics with the reference's names
 * and constant labels, and a running egress's metrics as a handler sends them (its export mirrored
 * into the service's session, as over the handler link).
 */
class NodeMetricsTest {

  /** Stands for a handler process: its egress's metrics, exported and mirrored as the link does. */
  private static final class MirroringRunner implements EgressRunner {
    private EgressSession session;

    MirroringRunner(EgressPlan plan) {}

    @Override
    public void start(EgressPlan plan, EgressSession session) {
      this.session = session;
      EgressMetrics inHandler = new EgressMetrics(plan.egressId());
      inHandler.counter(MetricFamilies.PIPELINE_UPLOADS, "type", "segment", "status", "success").inc(3);
      BucketHistogram times = inHandler.histogram(MetricFamilies.UPLOAD_RESPONSE_TIME, BucketHistogram.MILLIS,
          "type", "segment", "status", "success");
      times.observe(15);
      times.observe(40);
      times.observe(700);
      inHandler.total(MetricFamilies.INPUT_BYTES, () -> 123_456, "track", "TR_audio", "kind", "audio");
      inHandler.gauge(MetricFamilies.OUTPUT_FPS, () -> 29.5, "output", "file a.mp4");
      session.metrics().mirror(inHandler.export());
      session.active();
    }

    @Override
    public void stop() {
      session.complete(b -> { });
    }
  }

  @Test
  void serviceAndHandlerMetricsParseWithTheReferenceNames() throws Exception {
    var config = EgressConfigLoader.fromYaml(String.join("\n", "api_key: devkey", "api_secret: secret",
        "ws_url: ws://127.0.0.1:7880", "redis: {address: 127.0.0.1:6379}", "cluster_id: c1"), Map.of()).config();
    try (LocalBus bus = new LocalBus();
        EgressService service = new EgressService(config, bus, MirroringRunner::new, Clock.systemUTC(), 2.0).start()) {
      RpcClient internal = new RpcClient(bus, EgressRpc.EGRESS_INTERNAL);
      StartEgressRequest req = StartEgressRequest.newBuilder().setEgressId("EG_metrics").setRoomId("RM_room")
          .setToken("token").setWsUrl("ws://127.0.0.1:7880")
          .setTrack(LivekitEgress.TrackEgressRequest.newBuilder().setRoomName("room").setTrackId("TR_audio")
              .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath("tracks/{track_id}")))
          .build();
      internal.call(EgressRpc.START_EGRESS, "c1", req, EgressInfo.parser(), new RpcClient.CallOptions(Duration.ofSeconds(5),
          Duration.ofSeconds(2), Duration.ofMillis(500), false, 1.0f, 0.5f));

      String text = new NodeMetrics(service, null, null, "NODE_1", "c1").scrape();
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "node-metrics-sample.txt"), text); // for reading
      ScrapedMetrics m = ScrapedMetrics.parse(text);
      Map<String, String> node = Map.of("node_id", "NODE_1", "cluster_id", "c1");
      assertThat(m.samples("livekit_egress_available", "livekit_egress_available", node)).singleElement()
          .extracting(ScrapedMetrics.Sample::value).isEqualTo(0.0);
      assertThat(m.family("livekit_egress_requests").type()).isEqualTo("gauge");
      assertThat(m.samples("livekit_egress_requests", "livekit_egress_requests", Map.of("type", "track")))
          .singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(1.0);
      assertThat(m.samples("livekit_egress_is_terminating", "livekit_egress_is_terminating", node)).hasSize(1);

      Map<String, String> egress = Map.of("node_id", "NODE_1", "cluster_id", "c1", "egress_id", "EG_metrics",
          "type", "segment", "status", "success");
      // the reference's counter name, exactly (no _total added)
      assertThat(m.samples("livekit_egress_pipeline_uploads", "livekit_egress_pipeline_uploads", egress))
          .singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(3.0);
      var histogram = m.family("livekit_egress_pipline_upload_response_time_ms");
      assertThat(histogram.type()).isEqualTo("histogram");
      assertThat(m.samples(histogram.name(), histogram.name() + "_count", egress)).singleElement()
          .extracting(ScrapedMetrics.Sample::value).isEqualTo(3.0);
      assertThat(m.samples(histogram.name(), histogram.name() + "_sum", egress)).singleElement()
          .extracting(ScrapedMetrics.Sample::value).isEqualTo(755.0);
      var le50 = new java.util.HashMap<>(egress);
      le50.put("le", "50.0");
      assertThat(m.samples(histogram.name(), histogram.name() + "_bucket", le50)).as("cumulative buckets")
          .singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(2.0);
      assertThat(m.family("livekit_egress_input_bytes").type()).isEqualTo("counter");
      assertThat(m.samples("livekit_egress_input_bytes", "livekit_egress_input_bytes_total",
          Map.of("egress_id", "EG_metrics", "track", "TR_audio", "kind", "audio"))).singleElement()
          .extracting(ScrapedMetrics.Sample::value).isEqualTo(123_456.0);
      assertThat(m.samples("livekit_egress_output_fps", "livekit_egress_output_fps", Map.of("output", "file_a.mp4")))
          .singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(29.5);
    }
  }
}
