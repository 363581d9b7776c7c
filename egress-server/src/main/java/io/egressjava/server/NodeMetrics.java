package io.egressjava.server;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.egressjava.core.metrics.BucketHistogram;
import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.core.metrics.MetricKey;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's metrics as Prometheus text: the service's own (a Dropwizard registry) and every
 * running egress's (its session's registry, which for a handler process mirrors the handler's), each
 * sample with the reference's constant {@code node_id} and {@code cluster_id} labels. Exposition
 * is the official Prometheus client's text format writer.
 */
public final class NodeMetrics {
  private static final List<String> TYPES =
      List.of("room_composite", "web", "participant", "track_composite", "track", "template", "media");

  private final EgressService service;
  private final CpuMonitor cpu;
  private final MemoryMonitor memory;
  private final String nodeId;
  private final String clusterId;
  private final MetricRegistry registry = new MetricRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /** @param cpu null when the node's load is not measured (tests) */
  public NodeMetrics(EgressService service, CpuMonitor cpu, MemoryMonitor memory, String nodeId, String clusterId) {
    this.service = service;
    this.cpu = cpu;
    this.memory = memory;
    this.nodeId = nodeId;
    this.clusterId = clusterId;
    gauge(MetricFamilies.AVAILABLE, () -> service.running().isEmpty() ? 1 : 0);
    gauge(MetricFamilies.CAN_ACCEPT, () -> !service.isShuttingDown()
        && service.admission().canAccept(service.admission().webCost()) ? 1 : 0);
    gauge(MetricFamilies.IS_TERMINATING, () -> service.isShuttingDown() ? 1 : 0);
    for (String type : TYPES) {
      gauge(MetricFamilies.REQUESTS, () -> service.running().stream().filter(r -> r.type().equals(type)).count(),
          "type", type);
    }
    if (cpu != null) {
      gauge(MetricFamilies.NODE_CPU_LOAD, cpu::load, "node_type", "EGRESS");
      gauge(MetricFamilies.LOAD_RATIO, cpu::load, "type", "cpu");
    }
    if (memory != null) {
      gauge(MetricFamilies.PROC_RSS, memory::usedBytes);
    }
  }

  private void gauge(String family, Gauge<Number> value, String... labels) {
    registry.register(MetricKey.of(family, labels), value);
  }

  /** The text a scrape gets. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, snapshots());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  public String contentType() {
    return writer.getContentType();
  }

  MetricSnapshots snapshots() {
    Map<String, List<Sample>> families = new TreeMap<>();
    registry.getMetrics().forEach((key, m) -> add(families, key, m));
    service.results().forEach((outcome, n) -> {
      com.codahale.metrics.Counter c = new com.codahale.metrics.Counter();
      c.inc(n);
      add(families, MetricKey.of(MetricFamilies.HANDLER_RESULTS, "type", outcome.type(), "result", outcome.result()), c);
    });
    // of running egresses only: the monitors keep a handler's figures until the handler has let go of it
    java.util.Set<String> running = new java.util.HashSet<>(service.activeEgressIds());
    if (cpu != null) { // each egress's share of its handler's cores, as admission counts it
      perEgress(families, MetricFamilies.HANDLER_CPU, cpu.usage(), running);
    }
    if (memory != null) {
      perEgress(families, MetricFamilies.HANDLER_RSS, memory.handlerRss(), running);
    }
    for (EgressMetrics egress : service.egressMetrics()) {
      egress.collect().getMetrics().forEach((key, m) -> add(families, key, m));
    }
    MetricSnapshots.Builder b = MetricSnapshots.builder();
    families.forEach((family, samples) -> {
      MetricSnapshot s = snapshot(family, samples);
      if (s != null) {
        b.metricSnapshot(s);
      }
    });
    return b.build();
  }

  private void perEgress(Map<String, List<Sample>> families, String family, Map<String, ? extends Number> byEgress,
      java.util.Set<String> running) {
    byEgress.forEach((egressId, value) -> {
      if (running.contains(egressId)) {
        add(families, MetricKey.of(family, "egress_id", egressId), (Gauge<Double>) value::doubleValue);
      }
    });
  }

  private record Sample(Labels labels, Metric metric) {}

  private void add(Map<String, List<Sample>> families, String key, Metric metric) {
    MetricKey k = MetricKey.parse(key);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("node_id", nodeId);
    labels.put("cluster_id", clusterId);
    labels.putAll(k.labels());
    families.computeIfAbsent(k.family(), f -> new ArrayList<>())
        .add(new Sample(Labels.of(new ArrayList<>(labels.keySet()), new ArrayList<>(labels.values())), metric));
  }

  /** One family: histogram, counter (named with {@code _total}), untyped counter (the reference's names without it) or gauge. */
  private static MetricSnapshot snapshot(String family, List<Sample> samples) {
    String help = MetricFamilies.help(family);
    Metric first = samples.get(0).metric();
    if (first instanceof BucketHistogram) {
      HistogramSnapshot.Builder h = HistogramSnapshot.builder().name(family).help(help);
      for (Sample s : samples) {
        if (s.metric() instanceof BucketHistogram bh) {
          h.dataPoint(HistogramDataPointSnapshot.builder().labels(s.labels()).sum(bh.sum())
              .classicHistogramBuckets(buckets(bh)).build());
        }
      }
      return h.build();
    }
    if (first instanceof Counting && family.endsWith("_total")) {
      CounterSnapshot.Builder c = CounterSnapshot.builder().name(family.substring(0, family.length() - "_total".length()))
          .help(help);
      for (Sample s : samples) {
        if (s.metric() instanceof Counting n) {
          c.dataPoint(CounterDataPointSnapshot.builder().labels(s.labels()).value(n.getCount()).build());
        }
      }
      return c.build();
    }
    if (first instanceof Counting) {
      UnknownSnapshot.Builder u = UnknownSnapshot.builder().name(family).help(help);
      for (Sample s : samples) {
        if (s.metric() instanceof Counting n) {
          u.dataPoint(UnknownDataPointSnapshot.builder().labels(s.labels()).value(n.getCount()).build());
        }
      }
      return u.build();
    }
    GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(family).help(help);
    int points = 0;
    for (Sample s : samples) {
      Double v = EgressMetrics.valueOf(s.metric());
      if (v != null) {
        g.dataPoint(GaugeDataPointSnapshot.builder().labels(s.labels()).value(v).build());
        points++;
      }
    }
    return points == 0 ? null : g.build();
  }

  private static ClassicHistogramBuckets buckets(BucketHistogram h) {
    double[] bounds = h.upperBounds();
    long[] counts = h.bucketCounts();
    double[] upper = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      upper[i] = i < bounds.length ? bounds[i] : Double.POSITIVE_INFINITY;
    }
    return ClassicHistogramBuckets.of(upper, counts); // per bucket, as the model takes them
  }
}
