package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor on real processes (a spinning one and a sleeping one, measured from /proc) with the
 * node's load given: measured use reaches admission, and a node that stays overloaded asks the
 * egress furthest above its reservation to stop, then fails it after the grace period.
 */
class CpuMonitorIT {
  private final CpuCost costs = EgressConfigLoader.fromYaml("cpu_cost: {cpu_kill_grace_sec: 1}", Map.of()).config()
      .cpuCost();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void measuresEachTreeAndStopsThenKillsTheHungriestUnderSustainedOverload() throws Exception {
    java.util.concurrent.atomic.AtomicLong admissionClock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    Admission admission = new Admission(costs, 2.0, admissionClock::get);
    RecordedHandler hungry = reserved(admission, "EG_hungry", "sh", "-c", "while :; do :; done");
    RecordedHandler quiet = reserved(admission, "EG_quiet", "sleep", "60");
    CpuMonitor monitor = new CpuMonitor(admission, costs, () -> Map.of("EG_hungry", hungry, "EG_quiet", quiet));

    monitor.sample(System.nanoTime(), 0.2);
    Thread.sleep(1000);
    monitor.sample(System.nanoTime(), 0.2);
    assertThat(monitor.usage().get("EG_hungry")).isBetween(0.5, 1.2);
    assertThat(monitor.usage().get("EG_quiet")).isLessThan(0.05);

    // in its first 15 s an egress is starting (a handler JVM compiling): not stopped for what it uses
    for (int i = 0; i < 12; i++) {
      Thread.sleep(100);
      monitor.sample(System.nanoTime(), 0.99);
    }
    assertThat(hungry.asked).as("still starting").isEmpty();
    for (int i = 0; i < 6; i++) { // the node calms down: the overload count starts again
      monitor.sample(System.nanoTime(), 0.2);
    }
    admissionClock.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(15));

    // overloaded from now on (one sample per second in service; faster here, the count matters):
    // nine samples are tolerated, the tenth asks the hungry egress to stop
    for (int i = 0; i < 9; i++) {
      Thread.sleep(100);
      monitor.sample(System.nanoTime(), 0.99);
    }
    assertThat(hungry.asked).isEmpty();
    Thread.sleep(100);
    monitor.sample(System.nanoTime(), 0.99);
    assertThat(hungry.asked).containsExactly(CpuMonitor.CPU_EXHAUSTED);
    assertThat(quiet.asked).isEmpty();

    // still overloaded after cpu_kill_grace_sec (1 s): failed with the reference's error
    Thread.sleep(300);
    monitor.sample(System.nanoTime(), 0.99);
    assertThat(hungry.killedWith).as("within the grace period").isNull();
    Thread.sleep(800);
    monitor.sample(System.nanoTime(), 0.99);
    assertThat(hungry.killedWith).isNotNull();
    assertThat(hungry.killedWith.code()).isEqualTo(PsrpcCode.PERMISSION_DENIED);
    assertThat(hungry.killedWith.getMessage()).matches("CPU exhausted: \\d\\.\\d\\d cores used");
    assertThat(quiet.killedWith).isNull();
  }

  /** A handler process running {@code command}, its egress {@code id} admitted at 0.1 cores. */
  private RecordedHandler reserved(Admission admission, String id, String... command) throws Exception {
    RecordedHandler h = new RecordedHandler(processes, command);
    admission.tryReserve(id, Admission.Cost.cpu(0.1));
    return h;
  }

  @Test
  void oneEgressAloneIsNeverStopped() throws Exception {
    Admission admission = new Admission(costs, 2.0);
    RecordedHandler hungry = new RecordedHandler(processes, "sh", "-c", "while :; do :; done");
    admission.tryReserve("EG_hungry", Admission.Cost.cpu(0.1));
    CpuMonitor monitor = new CpuMonitor(admission, costs, () -> Map.of("EG_hungry", hungry));
    for (int i = 0; i < 15; i++) {
      Thread.sleep(100);
      monitor.sample(System.nanoTime(), 0.99);
    }
    assertThat(hungry.asked).isEmpty();
  }

  @Test
  void theNodesOwnUpkeepIsNotLoad() throws Exception {
    java.util.concurrent.atomic.AtomicLong admissionClock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    Admission admission = new Admission(costs, 2.0, admissionClock::get);
    RecordedHandler hungry = reserved(admission, "EG_hungry", "sh", "-c", "while :; do :; done");
    RecordedHandler quiet = reserved(admission, "EG_quiet", "sleep", "60");
    admissionClock.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(15)); // past their start
    // e.g. the class-data archive's training run: a busy process tree that is no egress's
    Process training = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done' & wait").start();
    processes.add(training);
    CpuMonitor monitor = new CpuMonitor(admission, costs, () -> Map.of("EG_hungry", hungry, "EG_quiet", quiet),
        () -> List.of(training.toHandle()));
    try {
      int cores = Runtime.getRuntime().availableProcessors();
      // the node is as busy as the two spinning trees make it; without the training run it is not overloaded
      double nodeLoad = Math.min(1.0, 2.0 / cores);
      for (int i = 0; i < 15; i++) {
        Thread.sleep(200);
        monitor.sample(System.nanoTime(), nodeLoad);
      }
      assertThat(monitor.load()).isLessThan(nodeLoad - 0.3 / cores);
      assertThat(hungry.asked).isEmpty();
    } finally {
      training.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }
}
