package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.assertReportedDuration;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PythonPublisher;
import io.egressjava.testrig.Toxiproxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server joins rooms through a TCP proxy that can cut its signalling connection (media
 * flows directly): a track composite is recorded through three cuts, and after each the egress
 * resumes and its media is back within 2 s — once, after a resume, it never came back and the
 * server dropped the egress ("CONNECTION_TIMEOUT (RESUME)").
 */
@ExtendWith(LiveKitRig.class)
class ShippedSignalDropNetnsIT {

  @Test
  void mediaComesBackAfterEverySignallingCut(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    try (Toxiproxy proxy = new Toxiproxy().start()) {
      int port = proxy.proxy("signal", URI.create(rig.livekit().wsUrl()).getPort());
      try (PackagedServer server = new PackagedServer("shipped-signal-drop", rig, "ws://127.0.0.1:" + port, tmp.resolve("server"),
          "", "")) {
        String room = "shipped-signal-drop";
        Shipped.createRoom(rig, room);
        var client = Shipped.egressClient(rig);
        try (PythonPublisher ivan = PythonPublisher.start(rig.livekit(), room, "ivan");
            StatusWatch watch = new StatusWatch(client, room)) {
          Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("ivan");
          EgressInfo started = ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
              .setFilepath(tmp.resolve("out/dropped.mp4").toString()).build(), tracks.get("audio/opus"), tracks.get("video/vp8"),
              null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).build()).execute());
          watch.note(started);
          Shipped.awaitActive(watch, started.getEgressId());
          for (int cut = 0; cut < 3; cut++) {
            Thread.sleep(4_000);
            proxy.enable("signal", false); // every open connection is closed; new ones are refused
            Thread.sleep(500);
            proxy.enable("signal", true);
          }
          Thread.sleep(5_000);
          EgressInfo done = Shipped.stop(client, watch, started.getEgressId());
          assertComplete(done);
          Path mp4 = Path.of(done.getFileResults(0).getLocation());
          assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
          // the sound runs on through every cut: media that stopped for more than 2 s would leave
          // that many beeps out (the gap is filled with silence)
          assertThat(Shipped.probedSeconds(mp4)).isGreaterThan(15);
          Shipped.assertInSync(Shipped.sync(mp4, null, 1000, 30));
          List<Double> beeps = Shipped.beeps(mp4, 1000);
          double longest = 0;
          for (int i = 1; i < beeps.size(); i++) {
            longest = Math.max(longest, beeps.get(i) - beeps.get(i - 1));
          }
          System.out.printf("beeps %d, longest beep-to-beep %.3f s%n", beeps.size(), longest);
          assertThat(longest).as("beep to beep (a second, unless media stopped)").isLessThan(3.0);
          assertThat(server.log()).content().contains("signal connection resumed");
        }
      }
    }
  }
}
