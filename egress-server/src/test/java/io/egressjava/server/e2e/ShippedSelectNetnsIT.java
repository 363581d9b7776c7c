package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing who is recorded, live: a room composite of three Python-SDK publishers, each with its own
 * tone, carol's picture red. Carol is left out by UpdateLayout (Kotlin SDK) and taken back through
 * the packaged server's HTTP control endpoint (a Kotlin SDK token with roomRecord): from 0.5 s after
 * each call her tone is gone (or back) and her tile with it, the others go on throughout.
 */
@ExtendWith(LiveKitRig.class)
class ShippedSelectNetnsIT {
  private static final double CAROL_HZ = 2000;
  /** How soon a change must show in the recording. */
  private static final double APPLIED_WITHIN = 0.5;

  @Test
  void roomCompositeLeavesCarolOutAndTakesHerBack(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "select-room";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PackagedServer server = new PackagedServer("shipped-select", rig, tmp.resolve("server"), "", "");
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "440");
        PythonPublisher bob = PythonPublisher.start(rig.livekit(), room, "bob", "--beep-hz", "1000");
        PythonPublisher carol = PythonPublisher.start(rig.livekit(), room, "carol", "--beep-hz", "" + CAROL_HZ, "--tint", "90,200");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 6);
      EgressInfo started = ok(client.startRoomCompositeEgress(room, new io.livekit.server.EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("out/rc.mp4").toString()).build(), null, null, null),
          "grid", null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(25)
          .setVideoBitrate(1000).build(), false, false, "", io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(8000);

      double excludedAt = System.currentTimeMillis() / 1e3;
      ok(client.updateLayout(id, "{\"layout\":\"grid\",\"exclude\":[\"carol\"]}").execute());
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say carol is left out",
          () -> watch.info(id).getDetails().equals("excluding identity:carol"));
      Thread.sleep(8000);

      double includedAt = System.currentTimeMillis() / 1e3;
      HttpResponse<String> included = Shipped.control(server, "/egress/" + id + "/control",
          "Bearer " + Shipped.recordToken(LiveKitServer.API_SECRET, true, 600_000), "{\"include\":[\"carol\"]}");
      assertThat(included.statusCode()).as(included.body()).isEqualTo(202);
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say nobody is left out", () -> watch.info(id).getDetails().isEmpty());
      Thread.sleep(7000);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);

      Path mp4 = Path.of(done.getFileResults(0).getLocation());
      double start = done.getFileResults(0).getStartedAt() / 1e9;
      double out = excludedAt - start + APPLIED_WITHIN;
      double back = includedAt - start + APPLIED_WITHIN;
      double end = stoppedAt - start - 1;
      System.out.printf("carol left out at %.2f s, back at %.2f s, file to %.2f s%n", out - APPLIED_WITHIN, back - APPLIED_WITHIN,
          Shipped.probedSeconds(mp4));

      // her tone: gone while left out, there before and after; the others' throughout
      double before = Probe.meanVolumeDbAt(mp4, 1, out - 1 - 2 * APPLIED_WITHIN, CAROL_HZ);
      double during = Probe.meanVolumeDbAt(mp4, out, back - APPLIED_WITHIN - out, CAROL_HZ);
      double after = Probe.meanVolumeDbAt(mp4, back, end - back, CAROL_HZ);
      System.out.printf("carol's tone: %.1f, %.1f, %.1f dBFS%n", before, during, after);
      assertThat(during).as("carol's tone while left out").isLessThan(-60);
      assertThat(before).as("carol's tone before").isGreaterThan(-40);
      assertThat(after).as("carol's tone after").isGreaterThan(-40);
      assertThat(Probe.meanVolumeDbAt(mp4, out, back - APPLIED_WITHIN - out, 440)).as("alice's tone meanwhile").isGreaterThan(-40);

      // her red tile: no red while left out, red before and after (mean V over the picture)
      List<Probe.Luma> red = Probe.planePerFrame(mp4, null, "VAVG");
      assertThat(red).filteredOn(f -> f.seconds() >= out && f.seconds() < back - APPLIED_WITHIN).isNotEmpty()
          .allSatisfy(f -> assertThat(f.mean()).as("V at %.2f s", f.seconds()).isLessThan(134));
      // (her flash, white, holds little colour: a tenth of her frames are not red)
      List<Probe.Luma> present = red.stream().filter(f -> (f.seconds() >= 1 && f.seconds() < out - 2 * APPLIED_WITHIN)
          || (f.seconds() >= back && f.seconds() < end)).toList();
      assertThat(present.stream().filter(f -> f.mean() > 138).count()).as("red frames of %d where carol is shown", present.size())
          .isGreaterThan((long) (present.size() * 0.8));
    }
  }
}
