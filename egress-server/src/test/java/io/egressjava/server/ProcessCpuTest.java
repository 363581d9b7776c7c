package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** CPU of a real process tree read from /proc: a busy child under an idle parent is counted. */
class ProcessCpuTest {

  @Test
  void aBusyGrandchildCountsForItsTree() throws Exception {
    // the shell itself sleeps; its background child spins
    Process p = new ProcessBuilder("sh", "-c", "(while :; do :; done) & sleep 30").start();
    try {
      ProcessCpu.Tree tree = new ProcessCpu.Tree(p.toHandle());
      ProcessCpu.Node node = new ProcessCpu.Node();
      assertThat(tree.sample(System.nanoTime())).as("first reading has no interval").isNaN();
      node.sample();
      Thread.sleep(1500);
      double cores = tree.sample(System.nanoTime());
      double load = node.sample();
      System.out.printf("busy tree: %.2f cores; node load %.2f%n", cores, load);
      assertThat(cores).isBetween(0.4, 1.2);
      assertThat(load).isGreaterThan(0.2).isLessThanOrEqualTo(1.0);
    } finally {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anIdleTreeUsesAlmostNothingAndAGoneOneIsUnknown() throws Exception {
    Process p = new ProcessBuilder("sleep", "30").start();
    ProcessCpu.Tree tree = new ProcessCpu.Tree(p.toHandle());
    tree.sample(System.nanoTime());
    Thread.sleep(500);
    assertThat(tree.sample(System.nanoTime())).isLessThan(0.05);
    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    assertThat(tree.sample(System.nanoTime())).isNaN();
  }
}
