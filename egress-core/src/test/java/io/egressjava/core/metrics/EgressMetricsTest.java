package io.egressjava.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EgressMetricsTest {

  @Test
  void keysCarryTheEgressAndParseBack() {
    EgressMetrics m = new EgressMetrics("EG_1");
    String key = m.key(MetricFamilies.OUTPUT_BYTES, "output", "file my,file=1.mp4");
    assertThat(key).isEqualTo("livekit_egress_output_bytes_total{egress_id=EG_1,output=file_my_file_1.mp4}");
    MetricKey parsed = MetricKey.parse(key);
    assertThat(parsed.family()).isEqualTo(MetricFamilies.OUTPUT_BYTES);
    assertThat(parsed.labels()).containsExactly(Map.entry("egress_id", "EG_1"), Map.entry("output", "file_my_file_1.mp4"));
  }

  @Test
  void aHandlersExportIsMirroredValueForValue() {
    EgressMetrics handler = new EgressMetrics("EG_2");
    AtomicLong received = new AtomicLong(1500);
    handler.total(MetricFamilies.INPUT_BYTES, received::get, "track", "TR_a", "kind", "audio");
    handler.gauge(MetricFamilies.ENCODER_QUEUE, () -> 3);
    handler.counter(MetricFamilies.PIPELINE_UPLOADS, "type", "segment", "status", "success").inc(4);
    BucketHistogram times = handler.histogram(MetricFamilies.UPLOAD_RESPONSE_TIME, BucketHistogram.MILLIS,
        "type", "segment", "status", "success");
    times.observe(5);
    times.observe(150);
    times.observe(99_000);

    EgressMetrics service = new EgressMetrics("EG_2");
    service.mirror(handler.export());
    received.set(4000);
    times.observe(12);
    service.mirror(handler.export()); // a later report replaces the values, it does not add to them

    var metrics = service.registry().getMetrics();
    assertThat(((Counting) metrics.get(handler.key(MetricFamilies.INPUT_BYTES, "track", "TR_a", "kind", "audio")))
        .getCount()).isEqualTo(4000);
    assertThat(((Gauge<?>) metrics.get(handler.key(MetricFamilies.ENCODER_QUEUE))).getValue()).isEqualTo(3.0);
    assertThat(((Counting) metrics.get(handler.key(MetricFamilies.PIPELINE_UPLOADS, "type", "segment", "status",
        "success"))).getCount()).isEqualTo(4);
    BucketHistogram mirrored = (BucketHistogram) metrics.get(handler.key(MetricFamilies.UPLOAD_RESPONSE_TIME,
        "type", "segment", "status", "success"));
    assertThat(mirrored.count()).isEqualTo(4);
    assertThat(mirrored.sum()).isEqualTo(5 + 150 + 99_000 + 12);
    assertThat(mirrored.bucketCounts()).isEqualTo(times.bucketCounts());
    assertThat(mirrored.bucketCounts()).startsWith(1, 1, 0, 0, 1); // 5 ≤ 10, 12 ≤ 20, 150 ≤ 200
    assertThat(mirrored.bucketCounts()[BucketHistogram.MILLIS.length]).as("above 30 s").isEqualTo(1);
  }

  @Test
  void partsThatAppearLaterRegisterBeforeCollection() {
    EgressMetrics m = new EgressMetrics("EG_3");
    AtomicLong tracks = new AtomicLong();
    m.beforeCollect(() -> {
      for (long i = 0; i < tracks.get(); i++) {
        m.total(MetricFamilies.INPUT_PACKETS, () -> 7, "track", "TR_" + i, "kind", "video");
      }
    });
    assertThat(m.export()).isEmpty();
    tracks.set(2);
    assertThat(m.export()).contains("c livekit_egress_input_packets_total{egress_id=EG_3,track=TR_0,kind=video} 7")
        .contains("track=TR_1");
  }

  @Test
  void aRateIsPerSecondOverItsWindow() throws Exception {
    EgressMetrics m = new EgressMetrics("EG_4");
    AtomicLong bytes = new AtomicLong();
    long began = System.nanoTime();
    m.rate(MetricFamilies.INPUT_BITRATE, bytes::get, () -> began, 8, "track", "TR_v", "kind", "video");
    Gauge<?> rate = (Gauge<?>) m.registry().getMetrics().values().iterator().next();
    bytes.set(1250);
    Thread.sleep(100);
    assertThat(((Number) rate.getValue()).doubleValue()).as("from its start at once").isBetween(10_000 / 0.2, 10_000 / 0.1);
    bytes.set(25_000); // 200 kbit
    Thread.sleep(2100);
    double seconds = (System.nanoTime() - began) / 1e9;
    double r = ((Number) rate.getValue()).doubleValue();
    assertThat(r).isBetween(200_000 / (seconds + 0.05), 200_000 / 2.0);
    assertThat(((Number) rate.getValue()).doubleValue()).as("a second reading within the window").isEqualTo(r);
  }
}
