package io.egressjava.server;

import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import java.util.function.Supplier;

/**
 * The resident memory of the handler process an egress runs in, as that egress's metric (its CPU
 * comes from {@link CpuMonitor}, which measures every handler each second for admission anyway).
 */
public final class HandlerResources {
  private HandlerResources() {}

  /** @param process the handler's process (null until it is known) */
  public static void register(EgressMetrics metrics, Supplier<ProcessHandle> process) {
    metrics.gauge(MetricFamilies.HANDLER_RSS, () -> {
      ProcessHandle p = process.get();
      return p == null ? Double.NaN : (double) ProcessMemory.treeRss(p);
    });
  }
}
