package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.config;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.embedded.MediaRunners;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room composites against the real livekit-server through the Kotlin SDK: Chrome renders our
 * default template, which joins the room over WebRTC and shows two publishers (a red and a blue
 * picture, published by the LiveKit Go SDK); the recording is checked region by region.
 * Runs inside the test network namespace (scripts/netns.sh).
 */
@ExtendWith(LiveKitRig.class)
class RoomCompositeNetnsIT {
  private static Path media;

  @BeforeAll
  static void encodeMedia(@TempDir Path dir) throws Exception {
    media = dir;
    color("red", dir.resolve("red.ivf"));
    color("blue", dir.resolve("blue.ivf"));
    ItSupport.encode("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60", "-ac", "2", "-c:a", "libopus",
        "-b:a", "48k", dir.resolve("tone.ogg").toString());
  }

  /** 60 s of VP8: a solid colour with a moving white square (so frames differ). */
  private static void color(String name, Path out) throws Exception {
    ItSupport.encode("-f", "lavfi", "-i", "color=c=" + name + ":s=640x360:r=30", "-t", "60",
        "-vf", "drawbox=x='mod(t*160,600)':y=150:w=40:h=40:color=white:t=fill", "-c:v", "libvpx", "-b:v", "300k",
        "-g", "30", "-deadline", "realtime", "-cpu-used", "8", out.toString());
  }

  private static ItSupport.MediaService service(LiveKitRig rig, Path tmp) {
    EgressConfig cfg = config(rig, "room_composite_renderer: chrome\ntemplate_port: " + Ports.free() + "\ncpu_cost: {room_composite_cpu_cost: 1, "
        + "audio_room_composite_cpu_cost: 1}");
    RedisBus bus = bus(rig);
    MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
    return new ItSupport.MediaService(new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start(), runners, bus);
  }

  private static LivekitEgress.EncodingOptions small() {
    return LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30)
        .setVideoBitrate(1000).build();
  }

  private static EgressInfo stopAndWait(EgressServiceClient client, String room, String egressId) throws IOException {
    ok(client.stopEgress(egressId).execute());
    ItSupport.awaitStatus(client, room, egressId, Duration.ofSeconds(60), "finished",
        io.egressjava.core.lifecycle.EgressSession::isTerminal);
    return ItSupport.listed(client, room, egressId).orElseThrow();
  }

  private static void awaitActive(EgressServiceClient client, String room, String egressId) {
    ItSupport.awaitStatus(client, room, egressId, Duration.ofSeconds(40), "recording",
        s -> s == EgressStatus.EGRESS_ACTIVE);
  }

  /** Mean RGB of a region (fractions of the frame) of the picture shown at {@code seconds}. */
  static int[] meanColor(Path file, double seconds, double x, double y, double w, double h) throws Exception {
    Path png = file.resolveSibling("probe-" + System.nanoTime() + ".rgb");
    String crop = String.format(java.util.Locale.ROOT, "crop=iw*%.3f:ih*%.3f:iw*%.3f:ih*%.3f,scale=1:1:flags=area", w, h, x, y);
    ItSupport.encode("-ss", String.valueOf(seconds), "-i", file.toString(), "-frames:v", "1", "-vf", crop, "-pix_fmt", "rgb24",
        "-f", "rawvideo", png.toString());
    byte[] rgb = Files.readAllBytes(png);
    return new int[] {rgb[0] & 0xFF, rgb[1] & 0xFF, rgb[2] & 0xFF};
  }

  static void assertRed(int[] rgb, String what) {
    assertThat(rgb[0]).as(what + " red channel of " + java.util.Arrays.toString(rgb)).isGreaterThan(150);
    assertThat(rgb[2]).as(what + " blue channel of " + java.util.Arrays.toString(rgb)).isLessThan(90);
  }

  static void assertBlue(int[] rgb, String what) {
    assertThat(rgb[2]).as(what + " blue channel of " + java.util.Arrays.toString(rgb)).isGreaterThan(150);
    assertThat(rgb[0]).as(what + " red channel of " + java.util.Arrays.toString(rgb)).isLessThan(90);
  }

  @Test
  void gridShowsBothPublishersAndUpdateLayoutSwitches(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "composite-grid";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher red = FilePublisher.start(rig.livekit(), room, "red", false, media.resolve("red.ivf"), media.resolve("tone.ogg"));
        FilePublisher blue = waitThen(() -> FilePublisher.start(rig.livekit(), room, "blue", false, media.resolve("blue.ivf")))) {
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/grid.mp4");
      EgressInfo started = ok(client.startRoomCompositeEgress(room,
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(), "grid", null, small(),
          false, false, "").execute());
      awaitActive(client, room, started.getEgressId());
      Thread.sleep(5_000);
      ok(client.updateLayout(started.getEgressId(), "single-speaker").execute());
      Thread.sleep(5_000);
      EgressInfo done = stopAndWait(client, room, started.getEgressId());
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);

      var probed = Probe.info(file);
      assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(10.0, within(2.0));
      assertThat(Probe.meanVolumeDb(file)).as("the red publisher's tone").isGreaterThan(-35);
      // grid: red joined first, so it is on the left, blue on the right
      assertRed(meanColor(file, 3, 0.05, 0.1, 0.4, 0.3), "grid, left half");
      assertBlue(meanColor(file, 3, 0.55, 0.1, 0.4, 0.3), "grid, right half");
      // single-speaker after UpdateLayout: one publisher across the whole width
      assertRed(meanColor(file, 9, 0.55, 0.1, 0.4, 0.3), "single-speaker, right half");
      assertRed(meanColor(file, 9, 0.05, 0.1, 0.4, 0.3), "single-speaker, left half");
    }
  }

  @Test
  void speakerLayoutPutsOnePublisherLargeAndTheOtherAside(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "composite-speaker";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher red = FilePublisher.start(rig.livekit(), room, "red", false, media.resolve("red.ivf"));
        FilePublisher blue = waitThen(() -> FilePublisher.start(rig.livekit(), room, "blue", false, media.resolve("blue.ivf")))) {
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/speaker.mp4");
      EgressInfo started = ok(client.startRoomCompositeEgress(room,
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(), "speaker", null, small(),
          false, true, "").execute());
      awaitActive(client, room, started.getEgressId());
      Thread.sleep(5_000);
      EgressInfo done = stopAndWait(client, room, started.getEgressId());
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      // video only: no audio stream
      var probed = Probe.info(file);
      assertThat(Probe.stream(probed, "audio")).isNull();
      // main picture on the left 80 %, the other in the right column's first slot, background below it
      assertRed(meanColor(file, 3, 0.05, 0.1, 0.6, 0.8), "main area");
      assertBlue(meanColor(file, 3, 0.82, 0.02, 0.16, 0.15), "side column, first slot");
      int[] below = meanColor(file, 3, 0.82, 0.6, 0.16, 0.3);
      assertThat(below[0] + below[1] + below[2]).as("empty side column " + java.util.Arrays.toString(below)).isLessThan(60);
    }
  }

  @Test
  void gridTurnsIntoSpeakerWhileAScreenIsShared(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "composite-screen";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher red = FilePublisher.start(rig.livekit(), room, "red", false, media.resolve("red.ivf"));
        FilePublisher screen = waitThen(() -> FilePublisher.start(rig.livekit(), room, "screen", true, media.resolve("blue.ivf")))) {
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/screen.mp4");
      EgressInfo started = ok(client.startRoomCompositeEgress(room,
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(), "grid", null, small(),
          false, true, "").execute());
      awaitActive(client, room, started.getEgressId());
      Thread.sleep(4_000);
      EgressInfo done = stopAndWait(client, room, started.getEgressId());
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      // the screen share is the main picture although the camera joined first; the camera goes aside
      assertBlue(meanColor(file, 3, 0.1, 0.35, 0.5, 0.3), "main area (screen share)");
      assertRed(meanColor(file, 3, 0.82, 0.02, 0.16, 0.15), "side column (camera)");
    }
  }

  @Test
  void audioOnlyCompositeRecordsTheRoomsSound(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "composite-audio";
    ItSupport.createRoom(rig, room);
    try (ItSupport.MediaService s = service(rig, tmp);
        FilePublisher red = FilePublisher.start(rig.livekit(), room, "red", false, media.resolve("red.ivf"), media.resolve("tone.ogg"))) {
      EgressServiceClient client = egressClient(rig);
      Path file = tmp.resolve("out/audio.ogg");
      long requested = System.nanoTime();
      EgressInfo started = ok(client.startRoomCompositeEgress(room,
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file.toString()).build(), "grid", null, null,
          true, false, "").execute());
      awaitActive(client, room, started.getEgressId());
      Thread.sleep(5_000);
      EgressInfo done = stopAndWait(client, room, started.getEgressId());
      double requestToEnd = (System.nanoTime() - requested) / 1e9;
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      var probed = Probe.info(Path.of(done.getFileResults(0).getLocation()));
      assertThat(Probe.stream(probed, "video")).isNull();
      assertThat(Probe.stream(probed, "audio").get("codec_name").asText()).isEqualTo("opus");
      // the 5 s after ACTIVE at least (less the last 20 ms mix piece); at most the time from the
      // request to the stop's answer: the sound starts at the subscription, which a cold first egress
      // reached 2.5 s before it showed ACTIVE (7.5 s files against a fixed 5.0 +- 1.5 s bound)
      assertThat(probed.get("format").get("duration").asDouble()).isBetween(4.9, requestToEnd);
      assertThat(Probe.meanVolumeDb(Path.of(done.getFileResults(0).getLocation()))).isGreaterThan(-35);
    }
  }

  /** Starts the second publisher a moment later, so the join order (and grid position) is fixed. */
  private static FilePublisher waitThen(java.util.concurrent.Callable<FilePublisher> start) throws Exception {
    Thread.sleep(1_000);
    return start.call();
  }
}
