package io.egressjava.source.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.testrig.Ports;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crashed egress process leaves (an Xvfb it started, an audio sink it created) is cleaned up
 * by the next start-up, and nothing else is touched.
 */
class OrphanReaperIT {

  @Test
  void startUpReapsWhatACrashedRunLeftBehind(@TempDir Path dir) throws Exception {
    BrowserEnvironment first = BrowserEnvironment.create(dir);
    VirtualDisplay display = VirtualDisplay.start(320, 240, first.reaper()); // "crashes" without closing
    SoundServer.Sink sink = first.sound().createSink("EG_orphan");
    Process bystander = new ProcessBuilder("sleep", "60").start(); // not ours: must survive
    assertThat(ProcessHandle.of(display.pid())).isPresent();
    assertThat(first.sound().ourSinks()).contains(sink);

    BrowserEnvironment.create(dir); // the next start-up

    Ports.await(Duration.ofSeconds(5), "the orphaned Xvfb to be gone",
        () -> ProcessHandle.of(display.pid()).map(p -> !p.isAlive()).orElse(true));
    assertThat(first.sound().ourSinks()).doesNotContain(sink);
    assertThat(bystander.isAlive()).isTrue();
    bystander.destroy();
  }
}
