package io.egressjava.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the service's JVM near what it needs between bursts. The service is started by operators
 * ({@code java -jar}), so its heap flags are theirs; the ones HotSpot lets a running JVM change are
 * set here unless they were given: the heap is given back when less than 10–30 % of it is free, and
 * G1 collects (and uncommits) after 15 s without a collection. After a burst of 20 egresses the
 * service had grown from ~110 to ~160 MB and kept it. Handler JVMs get the same ratios, and
 * glibc's freed memory trimmed every few seconds, on their command line ({@link #handlerOptions}),
 * and a fixed mmap threshold in their environment ({@link #handlerEnvironment}).
 */
public final class JvmFootprint {
  private static final Logger log = LoggerFactory.getLogger(JvmFootprint.class);
  static final String MIN_FREE = "10";
  static final String MAX_FREE = "30";
  static final String PERIODIC_GC_MS = "15000";
  static final String TRIM_NATIVE_MS = "5000";
  static final String MMAP_THRESHOLD = "131072";

  private JvmFootprint() {}

  /** Sets the service's manageable heap flags that were left at their defaults. */
  public static void applyToService() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    // Min first: HotSpot refuses a MaxHeapFreeRatio below the current MinHeapFreeRatio
    setIfDefault(vm, "MinHeapFreeRatio", MIN_FREE);
    setIfDefault(vm, "MaxHeapFreeRatio", MAX_FREE);
    if (option(vm, "UseG1GC").map(o -> o.getValue().equals("true")).orElse(false)) {
      setIfDefault(vm, "G1PeriodicGCInterval", PERIODIC_GC_MS);
    }
  }

  /** Options for handler JVMs (the same java as the service's): heap ratios, and native trimming where this JDK has it. */
  public static List<String> handlerOptions() {
    List<String> options = new ArrayList<>(List.of("-XX:MinHeapFreeRatio=" + MIN_FREE, "-XX:MaxHeapFreeRatio=" + MAX_FREE));
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (option(vm, "TrimNativeHeapInterval").isPresent()) { // JDK 17.0.9 and later
      options.add("-XX:TrimNativeHeapInterval=" + TRIM_NATIVE_MS);
    }
    return options;
  }

  /**
   * Environment for handler processes: glibc's mmap threshold fixed at 128 KiB unless the operator
   * tunes malloc. By default glibc raises the threshold each time a large block is freed (the
   * warm-up's encoders, a decoder's pictures at a layer switch); picture-sized buffers then come
   * from the heap and stay resident once freed. Fixed, they go back to the system when freed.
   * Measured (bench/room-composite.sh 30 4, the packaged server's handler): peak RSS 280 and
   * 288 MB before, 246 MB with it, at the same CPU.
   */
  public static Map<String, String> handlerEnvironment(Map<String, String> inherited) {
    boolean tuned = inherited.containsKey("GLIBC_TUNABLES") || inherited.keySet().stream().anyMatch(k -> k.startsWith("MALLOC_"));
    return tuned ? Map.of() : Map.of("MALLOC_MMAP_THRESHOLD_", MMAP_THRESHOLD);
  }

  private static void setIfDefault(HotSpotDiagnosticMXBean vm, String name, String value) {
    Optional<VMOption> current = option(vm, name);
    VMOption.Origin origin = current.map(VMOption::getOrigin).orElse(VMOption.Origin.OTHER);
    if (!current.map(VMOption::isWriteable).orElse(false)
        || origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC) {
      return; // not manageable here, or the operator chose it
    }
    try {
      vm.setVMOption(name, value);
    } catch (IllegalArgumentException e) {
      log.debug("cannot set {}={}: {}", name, value, e.getMessage());
    }
  }

  private static Optional<VMOption> option(HotSpotDiagnosticMXBean vm, String name) {
    try {
      return Optional.of(vm.getVMOption(name));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // this JVM has no such flag
    }
  }
}
