package io.egressjava.core.metrics;

import com.codahale.metrics.Metric;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram with fixed buckets, count and sum, kept in a Dropwizard registry: what Prometheus
 * histograms (the reference's upload response times) carry, which Dropwizard's own reservoir
 * histograms (quantiles of a sample) cannot give.
 */
public final class BucketHistogram implements Metric {
  /** Upper bounds for times in milliseconds: the reference's upload response time buckets. */
  public static final double[] MILLIS = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000, 30000};

  private final double[] upperBounds;
  private final LongAdder[] counts;
  private final LongAdder count = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  public BucketHistogram(double[] upperBounds) {
    this.upperBounds = upperBounds.clone();
    this.counts = new LongAdder[upperBounds.length + 1]; // the last: +Inf
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  public void observe(double value) {
    int i = 0;
    while (i < upperBounds.length && value > upperBounds[i]) {
      i++;
    }
    counts[i].increment();
    count.increment();
    sum.add(value);
  }

  /** Takes over another process's histogram (the service mirroring a handler's). */
  synchronized void restore(long[] bucketCounts, double total) {
    if (bucketCounts.length != counts.length) {
      throw new IllegalArgumentException("expected " + counts.length + " buckets, got " + bucketCounts.length);
    }
    long n = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i].reset();
      counts[i].add(bucketCounts[i]);
      n += bucketCounts[i];
    }
    count.reset();
    count.add(n);
    sum.reset();
    sum.add(total);
  }

  public double[] upperBounds() {
    return upperBounds.clone();
  }

  /** Per bucket, not cumulative; the last one is above every bound. */
  public long[] bucketCounts() {
    long[] c = new long[counts.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts[i].sum();
    }
    return c;
  }

  public long count() {
    return count.sum();
  }

  public double sum() {
    return sum.sum();
  }
}
