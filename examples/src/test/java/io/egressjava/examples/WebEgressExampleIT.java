package io.egressjava.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.source.browser.TestPages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library example records a real page through Chrome into a playable MP4. */
class WebEgressExampleIT {

  @Test
  void recordsThePage(@TempDir Path tmp) throws Exception {
    try (TestPages pages = new TestPages()) {
      Path out = tmp.resolve("page.mp4");
      WebEgressExample.main(new String[] {pages.url("/pattern.html"), out.toString(), "4"});
      var info = Probe.info(out);
      assertThat(Probe.stream(info, "video").get("width").asInt()).isEqualTo(1280);
      assertThat(info.get("format").get("duration").asDouble()).isCloseTo(4.0, within(1.0));
      assertThat(Probe.meanVolumeDb(out)).isGreaterThan(-30);
    }
  }
}
