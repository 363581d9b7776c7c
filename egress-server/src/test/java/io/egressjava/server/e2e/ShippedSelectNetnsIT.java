package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing who is recorded, live: a room composite of three Python-SDK publishers, each with its own
 * tone, carol's picture red. Carol is left out and taken back twice, each way by each path: out by
 * UpdateLayout (Kotlin SDK), back through the packaged server's HTTP control endpoint (a Kotlin SDK
 * token with roomRecord), out again over HTTP, back by UpdateLayout. From 0.5 s after each call her
 * tone is gone (or back) and her tile with it; the others go on throughout.
 */
@ExtendWith(LiveKitRig.class)
class ShippedSelectNetnsIT {
  private static final double CAROL_HZ = 2000;
  /** How soon a change must show in the recording. */
  private static final double APPLIED_WITHIN = 0.5;
  /** Seconds between the changes: short in the suite; {@code -Dselect.seconds=20} gives the 20 s / 40 s. */
  private static final int SPAN = Integer.getInteger("select.seconds", 6);

  /** One change: when it was asked for (Unix s) and whether carol is recorded after it. */
  private record Change(double at, boolean carolIn) {}

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
      EgressInfo started = Shipped.startSmallComposite(client, room, "grid", tmp.resolve("out/rc.mp4"), null);
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      List<Change> changes = new ArrayList<>();
      Thread.sleep(SPAN * 1000L);

      changes.add(new Change(System.currentTimeMillis() / 1e3, false));
      ok(client.updateLayout(id, "{\"layout\":\"grid\",\"exclude\":[\"carol\"]}").execute());
      awaitLeftOut(watch, id, true);
      Thread.sleep(SPAN * 1000L);

      changes.add(new Change(System.currentTimeMillis() / 1e3, true));
      accepted(server, id, "control", "{\"include\":[\"carol\"]}");
      awaitLeftOut(watch, id, false);
      Thread.sleep(SPAN * 1000L);

      changes.add(new Change(System.currentTimeMillis() / 1e3, false));
      accepted(server, id, "control", "{\"exclude\":[\"carol\"]}");
      awaitLeftOut(watch, id, true);
      Thread.sleep(SPAN * 1000L);

      changes.add(new Change(System.currentTimeMillis() / 1e3, true));
      ok(client.updateLayout(id, "{\"layout\":\"grid\",\"include\":[\"carol\"]}").execute());
      awaitLeftOut(watch, id, false);
      Thread.sleep(6000);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);

      Path mp4 = Path.of(done.getFileResults(0).getLocation());
      double start = done.getFileResults(0).getStartedAt() / 1e9;
      List<Probe.Luma> red = Probe.planePerFrame(mp4, null, "VAVG");
      // the spans between changes, in file time: from 0.5 s after a change to the next change
      double from = 1;
      boolean carolIn = true;
      for (int i = 0; i <= changes.size(); i++) {
        double to = i < changes.size() ? changes.get(i).at() - start : stoppedAt - start - 1;
        assertSpan(mp4, red, from, to, carolIn);
        if (i < changes.size()) {
          from = to + APPLIED_WITHIN;
          carolIn = changes.get(i).carolIn();
        }
      }
    }
  }

  /** POSTs {@code action} for the egress to the control endpoint with a roomRecord token: 202. */
  private static void accepted(PackagedServer server, String id, String action, String body) throws Exception {
    HttpResponse<String> r = Shipped.control(server, "/egress/" + id + "/" + action,
        "Bearer " + Shipped.recordToken(LiveKitServer.API_SECRET, true, 600_000), body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  private static void awaitLeftOut(StatusWatch watch, String id, boolean leftOut) {
    Ports.await(Duration.ofSeconds(5), leftOut ? "EgressInfo to say carol is left out" : "EgressInfo to say nobody is left out",
        () -> watch.info(id).getDetails().equals(leftOut ? "excluding identity:carol" : ""));
  }

  /** From {@code from} to {@code to} s of the file carol is heard and seen, or neither; alice is heard throughout. */
  private static void assertSpan(Path mp4, List<Probe.Luma> red, double from, double to, boolean carolIn) throws Exception {
    double tone = Probe.meanVolumeDbAt(mp4, from, to - from, CAROL_HZ);
    List<Probe.Luma> frames = red.stream().filter(f -> f.seconds() >= from && f.seconds() < to).toList();
    long redFrames = frames.stream().filter(f -> f.mean() > 138).count();
    System.out.printf("%.2f–%.2f s, carol %s: her tone %.1f dBFS, %d of %d frames red%n", from, to, carolIn ? "in" : "out", tone,
        redFrames, frames.size());
    assertThat(frames).as("frames in %.2f–%.2f s", from, to).isNotEmpty();
    assertThat(Probe.meanVolumeDbAt(mp4, from, to - from, 440)).as("alice's tone in %.2f–%.2f s", from, to).isGreaterThan(-40);
    if (carolIn) {
      assertThat(tone).as("carol's tone in %.2f–%.2f s", from, to).isGreaterThan(-40);
      // (her flash, white, holds little colour: a tenth of her frames are not red)
      assertThat(redFrames).as("red frames of %d in %.2f–%.2f s", frames.size(), from, to).isGreaterThan((long) (frames.size() * 0.8));
    } else {
      assertThat(tone).as("carol's tone while left out, %.2f–%.2f s", from, to).isLessThan(-60);
      assertThat(frames).allSatisfy(f -> assertThat(f.mean()).as("V at %.2f s", f.seconds()).isLessThan(134));
    }
  }

  /**
   * A v2 media egress mixing the sound its audio routes name (alice, bob): the routes are where it
   * starts. Bob is left out over HTTP, then carol, whom no route names, is included and joins the
   * mix within half a second (she is subscribed to then: measured 0.35 s to her first beep).
   */
  @Test
  void v2MediaStartsFromItsRoutesAndTakesInWhoIsIncluded(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "select-v2";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PackagedServer server = new PackagedServer("shipped-select-v2", rig, tmp.resolve("server"), "", "");
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "440", "--video", "none");
        PythonPublisher bob = PythonPublisher.start(rig.livekit(), room, "bob", "--beep-hz", "1000", "--video", "none");
        PythonPublisher carol = PythonPublisher.start(rig.livekit(), room, "carol", "--beep-hz", "3000", "--video", "none");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 3);
      EgressInfo started = Shipped.startV2(rig, "{\"room_name\": \"" + room + "\", \"media\": {\"audio\": {\"routes\": ["
          + "{\"participant_identity\": \"alice\"}, {\"participant_identity\": \"bob\"}]}}, \"outputs\": [{\"file\": "
          + "{\"file_type\": \"OGG\", \"filepath\": \"" + tmp.resolve("out/routes.ogg") + "\"}}]}");
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(SPAN * 1000L);

      double bobOut = System.currentTimeMillis() / 1e3;
      accepted(server, id, "control", "{\"exclude\":[\"bob\"]}");
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say bob is left out",
          () -> watch.info(id).getDetails().equals("excluding identity:bob"));
      Thread.sleep(SPAN * 1000L);

      double carolIn = System.currentTimeMillis() / 1e3;
      accepted(server, id, "control", "{\"include\":[\"carol\"]}");
      Ports.await(Duration.ofSeconds(5), "EgressInfo to say carol is added",
          () -> watch.info(id).getDetails().equals("excluding identity:bob; adding identity:carol"));
      Thread.sleep(SPAN * 1000L);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);

      Path ogg = Path.of(done.getFileResults(0).getLocation());
      double start = done.getFileResults(0).getStartedAt() / 1e9;
      double[][] spans = {{1, bobOut - start}, {bobOut - start + APPLIED_WITHIN, carolIn - start},
          {carolIn - start + APPLIED_WITHIN, stoppedAt - start - 1}};
      boolean[][] heard = {{true, true, false}, {true, false, false}, {true, false, true}}; // alice, bob, carol
      // (carol at 3 kHz here: her 2 kHz beeps' onsets put −63 dBFS into bob's 1 kHz band once he was silent)
      double[] hz = {440, 1000, 3000};
      for (int i = 0; i < spans.length; i++) {
        double from = spans[i][0];
        double to = spans[i][1];
        for (int who = 0; who < 3; who++) {
          double db = Probe.meanVolumeDbAt(ogg, from, to - from, hz[who]);
          System.out.printf("%.2f–%.2f s: %.0f Hz at %.1f dBFS%n", from, to, hz[who], db);
          if (heard[i][who]) {
            assertThat(db).as("%.0f Hz in %.2f–%.2f s", hz[who], from, to).isGreaterThan(-40);
          } else {
            assertThat(db).as("%.0f Hz in %.2f–%.2f s", hz[who], from, to).isLessThan(-60);
          }
        }
      }
      List<Double> carolBeeps = Shipped.beeps(ogg, 3000);
      System.out.printf("carol included at %.2f s; her beeps from %s%n", carolIn - start, carolBeeps.stream().findFirst().orElse(-1.0));
    }
  }

  /**
   * Consent before the first frame: a room composite asked for with a JSON layout that starts it
   * paused and without carol. Nothing is recorded until it is resumed over HTTP; from then on alice
   * is heard and carol neither heard nor seen (the page was told before it showed her).
   */
  @Test
  void roomCompositeStartsPausedAndWithoutCarol(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "select-start";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PackagedServer server = new PackagedServer("shipped-select-start", rig, tmp.resolve("server"), "", "");
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "440");
        PythonPublisher carol = PythonPublisher.start(rig.livekit(), room, "carol", "--beep-hz", "" + CAROL_HZ, "--tint", "90,200");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 4);
      EgressInfo started = Shipped.startSmallComposite(client, room, "{\"layout\":\"grid\",\"paused\":true,\"exclude\":[\"carol\"]}",
          tmp.resolve("out/consent.mp4"), null);
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      assertThat(watch.info(id).getDetails()).matches("paused \\(cut\\) since .*; excluding identity:carol");
      Thread.sleep(4000);
      double resumedAt = System.currentTimeMillis() / 1e3;
      accepted(server, id, "resume", null);
      Thread.sleep(6000);
      double stoppedAt = System.currentTimeMillis() / 1e3;
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);

      Path mp4 = Path.of(done.getFileResults(0).getLocation());
      double probed = Shipped.probedSeconds(mp4);
      System.out.printf("file %.2f s; resumed %.2f s before the stop%n", probed, stoppedAt - resumedAt);
      assertThat(probed).as("only what came after the resume").isCloseTo(stoppedAt - resumedAt, within(0.5));
      assertThat(Probe.meanVolumeDbAt(mp4, 0.5, probed - 1, 440)).as("alice's tone").isGreaterThan(-40);
      assertThat(Probe.meanVolumeDbAt(mp4, 0, probed, CAROL_HZ)).as("carol's tone").isLessThan(-60);
      assertThat(Probe.planePerFrame(mp4, null, "VAVG")).isNotEmpty()
          .allSatisfy(f -> assertThat(f.mean()).as("V at %.2f s", f.seconds()).isLessThan(134));
    }
  }
}
