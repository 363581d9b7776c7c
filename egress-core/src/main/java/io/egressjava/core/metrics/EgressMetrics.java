package io.egressjava.core.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Counting;
import com.codahale.metrics.DefaultSettableGauge;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One egress's metrics, in a Dropwizard registry of its own: every key carries the egress's
 * {@code egress_id} label (as the reference's handler metrics do). The parts of the pipeline
 * register what they count; a handler process sends {@link #export()} to the service, which
 * {@link #mirror mirrors} it into the service's copy of the egress, so one {@code /metrics} shows
 * every handler's egress.
 */
public final class EgressMetrics {
  private final String egressId;
  private final MetricRegistry registry = new MetricRegistry();
  /** Run before every collection: parts that appear while the egress runs (tracks) register then. */
  private final List<Runnable> beforeCollect = new CopyOnWriteArrayList<>();

  public EgressMetrics(String egressId) {
    this.egressId = egressId;
  }

  public String egressId() {
    return egressId;
  }

  public MetricRegistry registry() {
    return registry;
  }

  /** Runs {@code refresh} before each {@link #collect()} (and so each {@link #export()}). */
  public void beforeCollect(Runnable refresh) {
    beforeCollect.add(refresh);
  }

  /** The registry, after every {@link #beforeCollect} refresh has run. */
  public MetricRegistry collect() {
    for (Runnable r : beforeCollect) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // a part that went away mid-collection: its metrics stay as they were
      }
    }
    return registry;
  }

  /** The key of {@code family} for this egress, with {@code labels} after its egress_id. */
  public String key(String family, String... labels) {
    String[] all = new String[labels.length + 2];
    all[0] = "egress_id";
    all[1] = egressId;
    System.arraycopy(labels, 0, all, 2, labels.length);
    return MetricKey.of(family, all);
  }

  /** A value read when metrics are collected (replaces one registered under the same key). */
  public void gauge(String family, Supplier<? extends Number> value, String... labels) {
    String key = key(family, labels);
    registry.remove(key);
    registry.register(key, (Gauge<Number>) value::get);
  }

  /** A total kept elsewhere (e.g. a receiver's packet count), exposed as a counter. */
  public void total(String family, LongSupplier total, String... labels) {
    String key = key(family, labels);
    registry.remove(key);
    registry.register(key, new SuppliedTotal(total));
  }

  /**
   * A rate of a total kept elsewhere, {@code scale} × per second (8 for bytes → bits/s): at first
   * over everything since {@code startNanos} (System.nanoTime when the total was 0), then over
   * windows of at least 2 s. Reading it resets nothing, so any number of readers agree.
   */
  public void rate(String family, LongSupplier total, LongSupplier startNanos, double scale, String... labels) {
    gauge(family, new RateOf(total, startNanos, scale), labels);
  }

  public Counter counter(String family, String... labels) {
    return registry.counter(key(family, labels));
  }

  public BucketHistogram histogram(String family, double[] upperBounds, String... labels) {
    return getOrRegister(key(family, labels), BucketHistogram.class, () -> new BucketHistogram(upperBounds));
  }

  private <T extends Metric> T getOrRegister(String key, Class<T> type, Supplier<T> make) {
    synchronized (registry) {
      Metric m = registry.getMetrics().get(key);
      if (m != null) {
        if (!type.isInstance(m)) {
          throw new IllegalArgumentException(key + " is already a " + m.getClass().getSimpleName());
        }
        return type.cast(m);
      }
      return registry.register(key, make.get());
    }
  }

  /**
   * The current values as lines a handler sends: {@code g key value} (gauge), {@code c key count}
   * (counter), {@code h key sum b0 b1 … bn} (histogram buckets, the last above every bound).
   */
  public String export() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Metric> e : collect().getMetrics().entrySet()) {
      Metric m = e.getValue();
      if (m instanceof BucketHistogram h) {
        b.append("h ").append(e.getKey()).append(' ').append(h.sum());
        for (long c : h.bucketCounts()) {
          b.append(' ').append(c);
        }
        b.append('\n');
      } else if (m instanceof Counting c) {
        b.append("c ").append(e.getKey()).append(' ').append(c.getCount()).append('\n');
      } else {
        Double v = valueOf(m);
        if (v != null) {
          b.append("g ").append(e.getKey()).append(' ').append(v).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** A counter's count or a numeric gauge's value; null for other metrics, or when what it reads went away. */
  public static Double valueOf(Metric m) {
    try {
      if (m instanceof Counting c) {
        return (double) c.getCount();
      }
      return m instanceof Gauge<?> g && g.getValue() instanceof Number n ? n.doubleValue() : null;
    } catch (RuntimeException e) {
      return null; // what it reads went away (the egress ending)
    }
  }

  /** Takes a handler's {@link #export()}: the service's copy then shows the same values. */
  public void mirror(String exported) {
    for (String line : exported.split("\n")) {
      try {
        mirrorLine(line.split(" "));
      } catch (IllegalArgumentException e) {
        // a line this version cannot take: the others still count (the link's reader must not die of it)
      }
    }
  }

  private void mirrorLine(String[] f) {
    if (f.length >= 3) {
      switch (f[0]) {
        case "g" -> mirroredGauge(f[1]).setValue(Double.parseDouble(f[2]));
        case "c" -> {
          Counter c = registry.counter(f[1]);
          c.inc(Long.parseLong(f[2]) - c.getCount());
        }
        case "h" -> {
          long[] buckets = new long[f.length - 3];
          for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Long.parseLong(f[i + 3]);
          }
          double[] bounds = buckets.length - 1 == BucketHistogram.MILLIS.length ? BucketHistogram.MILLIS : new double[0];
          getOrRegister(f[1], BucketHistogram.class, () -> new BucketHistogram(bounds)).restore(buckets, Double.parseDouble(f[2]));
        }
        default -> { }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private DefaultSettableGauge<Double> mirroredGauge(String key) {
    return getOrRegister(key, DefaultSettableGauge.class, () -> new DefaultSettableGauge<>(0.0));
  }

  /** A counter whose count is kept by its owner. */
  private record SuppliedTotal(LongSupplier total) implements Metric, Counting {
    @Override
    public long getCount() {
      return total.getAsLong();
    }
  }

  /** See {@link #rate}. */
  private static final class RateOf implements Supplier<Double> {
    private static final long WINDOW_NANOS = 2_000_000_000L;
    private final LongSupplier total;
    private final LongSupplier startNanos;
    private final double scale;
    private long lastTotal;
    private long lastNanos;
    private Double rate;

    RateOf(LongSupplier total, LongSupplier startNanos, double scale) {
      this.total = total;
      this.startNanos = startNanos;
      this.scale = scale;
    }

    @Override
    public synchronized Double get() {
      long now = System.nanoTime();
      if (rate == null) {
        lastNanos = startNanos.getAsLong();
        lastTotal = 0;
      } else if (now - lastNanos < WINDOW_NANOS) {
        return rate; // the last full window's rate
      }
      long t = total.getAsLong();
      double r = now > lastNanos ? scale * (t - lastTotal) / ((now - lastNanos) / 1e9) : 0;
      if (now - lastNanos >= WINDOW_NANOS) {
        lastTotal = t;
        lastNanos = now;
        rate = r;
      }
      return r;
    }
  }
}
