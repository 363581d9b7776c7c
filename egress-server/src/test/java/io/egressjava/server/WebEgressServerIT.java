package io.egressjava.server;

import static io.egressjava.server.ItSupport.awaitStatus;
import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.config;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web egress requested through the Kotlin SDK from the real livekit-server, dispatched over Redis
 * to our service, recorded by Chrome and finished by the page's END_RECORDING; the results livekit
 * reports are the ones we filled, and the file plays.
 */
@ExtendWith(LiveKitRig.class)
class WebEgressServerIT {

  @Test
  void webEgressThroughLivekitRecordsThePage(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    EgressConfig cfg = config(rig, "cpu_cost: {web_cpu_cost: 1}");
    try (TestPages pages = new TestPages(); RedisBus bus = bus(rig);
        EgressService service = new EgressService(cfg, bus, new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC()),
            Clock.systemUTC(), 2.0).start()) {
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/web-{time}.mp4");
      EgressInfo started = ok(client.startWebEgress(pages.url("/pattern.html?end=6"),
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(),
          LivekitEgress.EncodingOptionsPreset.H264_720P_30, null, false, false, false).execute());
      assertThat(started.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);

      Ports.await(Duration.ofSeconds(60), "the egress to complete", () -> {
        try {
          return ok(client.listEgress(null, started.getEgressId(), false).execute()).stream()
              .anyMatch(i -> i.getStatus() == EgressStatus.EGRESS_COMPLETE || i.getStatus() == EgressStatus.EGRESS_FAILED);
        } catch (java.io.IOException e) {
          return false;
        }
      });
      EgressInfo done = ok(client.listEgress(null, started.getEgressId(), false).execute()).get(0);
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(done.getDetails()).isEqualTo("End reason: Source closed");
      LivekitEgress.FileInfo result = done.getFileResults(0);
      assertThat(result.getFilename()).startsWith(tmp.resolve("out/web-").toString()).endsWith(".mp4");
      var probed = Probe.info(Path.of(result.getLocation()));
      assertThat(Probe.stream(probed, "video").get("width").asInt()).isEqualTo(1280);
      assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(6.0, within(1.0));
      assertThat(result.getDuration() / 1e9).isCloseTo(6.0, within(1.0));
      assertThat(Probe.meanVolumeDb(Path.of(result.getLocation()))).isGreaterThan(-30);
    }
  }
}
