package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.errors.PsrpcCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory admission and the end of the largest egress when the node is over {@code max_memory}
 * (the reference's rules), with handler trees given sizes; and the measurements themselves on a
 * real process that holds memory and on cgroup files of both versions.
 */
class MemoryMonitorTest {
  private static final long MB = 1024 * 1024;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  private static CpuCost costs(String yaml) {
    return EgressConfigLoader.fromYaml("cpu_cost: " + yaml, Map.of()).config().cpuCost();
  }

  @Test
  void admitsBelowMaxMemoryAndEndsTheLargestEgressWhenOver() throws Exception {
    CpuCost costs = costs("{max_memory: 2, memory_cost: 0.2, memory_kill_grace_sec: 2}");
    Admission admission = new Admission(costs, 2.0);
    RecordedHandler a = new RecordedHandler(processes, "sleep", "60");
    RecordedHandler b = new RecordedHandler(processes, "sleep", "60");
    Map<String, CpuMonitor.Handler> running = new ConcurrentHashMap<>(Map.of("EG_big", a, "EG_small", b));
    Map<Long, Long> sizes = new HashMap<>(Map.of(a.process.pid(), 300 * MB, b.process.pid(), 200 * MB));
    MemoryMonitor monitor = new MemoryMonitor(admission, costs, () -> running, () -> 100 * MB, Optional.empty());
    long now = 0;

    monitor.sample(now, p -> sizes.get(p.pid()));
    assertThat(monitor.usedBytes()).as("service + both trees").isEqualTo(600 * MB);
    Admission.Cost cost = new Admission.Cost(0.1, 0.2);
    assertThat(admission.canAccept(cost)).as("0.59 + 0.2 + 1 GB headroom < 2").isTrue();
    assertThat(admission.tryReserve("EG_new", cost)).isTrue();
    assertThat(admission.canAccept(cost)).as("0.59 + 0.2 pending + 0.2 + 1 < 2").isTrue();
    sizes.put(b.process.pid(), 700 * MB);
    monitor.sample(now += 1, p -> sizes.get(p.pid()));
    assertThat(admission.canAccept(cost)).as("1.07 + 0.2 pending + 0.2 + 1 ≥ 2").isFalse();
    assertThat(admission.affinity(cost, false)).isEqualTo(-1f);

    // over max_memory: memory_kill_grace_sec samples are tolerated, then the largest ends, its files kept
    sizes.put(b.process.pid(), 2000 * MB);
    monitor.sample(now += 1, p -> sizes.get(p.pid()));
    monitor.sample(now += 1, p -> sizes.get(p.pid()));
    assertThat(b.failedWith).isNull();
    monitor.sample(now += 1, p -> sizes.get(p.pid()));
    assertThat(b.failedWith).isNotNull();
    assertThat(b.failedWith.code()).isEqualTo(PsrpcCode.PERMISSION_DENIED);
    assertThat(b.failedWith.getMessage()).isEqualTo("OOM: 2.34 GB used");
    assertThat(a.failedWith).as("one egress at a time").isNull();

    // it has not ended: killed after the grace, and no other egress is chosen meanwhile
    monitor.sample(now += TimeUnit.SECONDS.toNanos(MemoryMonitor.FAIL_GRACE_SECONDS) - 2, p -> sizes.get(p.pid()));
    assertThat(b.killedWith).isNull();
    monitor.sample(now += 2, p -> sizes.get(p.pid()));
    assertThat(b.killedWith).isNotNull();
    assertThat(a.failedWith).isNull();

    // gone, but the node is still over: the grace starts again, then the next largest
    running.remove("EG_small");
    sizes.put(a.process.pid(), 2000 * MB);
    for (int i = 0; i < 2; i++) {
      monitor.sample(now += 1, p -> sizes.get(p.pid()));
    }
    assertThat(a.failedWith).isNull();
    monitor.sample(now += 1, p -> sizes.get(p.pid()));
    assertThat(a.failedWith).isNotNull();
  }

  @Test
  void egressesSharingAHandlerShareItsSize() throws Exception {
    CpuCost costs = costs("{max_memory: 1}");
    Admission admission = new Admission(costs, 2.0);
    RecordedHandler shared = new RecordedHandler(processes, "sleep", "60");
    RecordedHandler alone = new RecordedHandler(processes, "sleep", "60");
    // three egresses in a 900 MB handler (300 each) against one in a 400 MB handler
    Map<String, CpuMonitor.Handler> running = Map.of("EG_1", shared, "EG_2", shared, "EG_3", shared, "EG_4", alone);
    Map<Long, Long> sizes = Map.of(shared.process.pid(), 900 * MB, alone.process.pid(), 400 * MB);
    MemoryMonitor monitor = new MemoryMonitor(admission, costs, () -> running, () -> 0L, Optional.empty());
    monitor.sample(0, p -> sizes.get(p.pid()));
    assertThat(monitor.usedBytes()).as("the shared tree counted once").isEqualTo(1300 * MB);
    assertThat(alone.failedWith).as("grace 0: the largest share ends at once").isNotNull();
    assertThat(shared.failedWith).isNull();
  }

  @Test
  void noMaxMemoryMeansNoMemoryRule() throws Exception {
    CpuCost costs = costs("{memory_cost: 4}");
    Admission admission = new Admission(costs, 2.0);
    RecordedHandler h = new RecordedHandler(processes, "sleep", "60");
    MemoryMonitor monitor = new MemoryMonitor(admission, costs, () -> Map.of("EG_1", h), () -> 0L, Optional.empty());
    monitor.sample(0, p -> 64_000 * MB);
    assertThat(admission.canAccept(new Admission.Cost(0.1, 4))).isTrue();
    assertThat(h.failedWith).isNull();
  }

  @Test
  void measuresTheResidentSetOfAProcessTree() throws Exception {
    // a shell whose child holds 300 MB it has written to
    Process p = new ProcessBuilder("sh", "-c",
        "python3 -c 'import time; b = b\"\\x01\" * (300 * 1024 * 1024); print(\"ok\", flush=True); time.sleep(60)'")
        .start();
    processes.add(p);
    assertThat(new String(p.getInputStream().readNBytes(2))).isEqualTo("ok");
    long rss = ProcessMemory.treeRss(p.toHandle());
    assertThat(rss).isBetween(300 * MB, 400 * MB);
    assertThat(ProcessMemory.rss(p.pid())).as("the shell alone").isLessThan(10 * MB);
    p.destroyForcibly().waitFor();
    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void findsTheCgroupOfBothVersionsAndReadsItsWorkingSet(@TempDir Path mount) throws Exception {
    Path v2 = Files.createDirectories(mount.resolve("system.slice/egress.service"));
    Files.writeString(v2.resolve("memory.current"), "1000000\n");
    Files.writeString(v2.resolve("memory.stat"), "anon 600000\nfile 400000\ninactive_file 300000\n");
    ProcessMemory.Cgroup unified = ProcessMemory.Cgroup.find(List.of("0::/system.slice/egress.service"), mount).orElseThrow();
    assertThat(unified.workingSet()).hasValue(700_000);

    Path v1 = Files.createDirectories(mount.resolve("memory/process_api/abc"));
    Files.writeString(v1.resolve("memory.usage_in_bytes"), "5000000\n");
    Files.writeString(v1.resolve("memory.stat"), "cache 3000\ninactive_file 7\ntotal_inactive_file 1000000\n");
    ProcessMemory.Cgroup legacy = ProcessMemory.Cgroup.find(List.of("5:cpu,cpuacct:/", "4:memory:/process_api/abc"),
        mount).orElseThrow();
    assertThat(legacy.workingSet()).hasValue(4_000_000);

    assertThat(ProcessMemory.Cgroup.find(List.of("4:memory:/elsewhere"), mount)).isEmpty();
  }

  @Test
  void readsThisProcessesCgroupWhereTheMachineHasOne() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
    boolean listed = lines.stream().anyMatch(l -> l.matches("\\d+:[^:]*\\bmemory\\b[^:]*:.*"))
        || Files.exists(Path.of("/sys/fs/cgroup/memory.current"));
    Optional<ProcessMemory.Cgroup> own = ProcessMemory.Cgroup.ofThisProcess();
    if (!listed) {
      assertThat(own).as("no memory cgroup listed: %s", lines).isEmpty();
      return;
    }
    assertThat(own).as("a memory cgroup is listed: %s", lines).isPresent();
    assertThat(own.get().workingSet().orElseThrow()).as("this JVM alone is resident").isGreaterThan(10 * MB);
  }
}
