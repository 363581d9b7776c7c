package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service gives heap back between bursts; handler JVMs are started to do the same. */
class JvmFootprintTest {

  @Test
  void serviceHeapFlagsAreSetWhereTheyWereDefaults() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    JvmFootprint.applyToService();
    assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(JvmFootprint.MAX_FREE);
    assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(JvmFootprint.MIN_FREE);
    if (vm.getVMOption("UseG1GC").getValue().equals("true")) {
      assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo(JvmFootprint.PERIODIC_GC_MS);
    }
  }

  @Test
  void handlerOptionsStartAJvm() throws Exception {
    List<String> options = JvmFootprint.handlerOptions();
    assertThat(options).contains("-XX:MaxHeapFreeRatio=" + JvmFootprint.MAX_FREE);
    List<String> cmd = new java.util.ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC"));
    cmd.addAll(options);
    cmd.add("-version");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void handlersGetAFixedMmapThresholdUnlessMallocIsTunedAlready() {
    assertThat(JvmFootprint.handlerEnvironment(java.util.Map.of("PATH", "/usr/bin")))
        .containsExactly(java.util.Map.entry("MALLOC_MMAP_THRESHOLD_", "131072"));
    assertThat(JvmFootprint.handlerEnvironment(java.util.Map.of("MALLOC_ARENA_MAX", "2"))).isEmpty();
    assertThat(JvmFootprint.handlerEnvironment(java.util.Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0"))).isEmpty();
  }
}
