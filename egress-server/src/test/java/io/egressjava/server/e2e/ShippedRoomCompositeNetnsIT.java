package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.assertReportedDuration;
import static io.egressjava.server.e2e.Shipped.codec;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.media.ffmpeg.SyncAnalyzer;
import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.NginxRtmpServer;
import io.egressjava.testrig.PythonPublisher;
import io.egressjava.testrig.SrtReceiver;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.EncodedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chrome egresses from the packaged server (jar + lib/, handler processes, a config file whose
 * default storage is Azure), requested with LiveKit's Kotlin SDK, two LiveKit Python SDK
 * publishers (libwebrtc) flashing and beeping in the room; every output read back from where
 * EgressInfo says it is stored and checked by content.
 *
 * <p>{@code -Dshipped.grid.seconds=300} makes the room composite the 5-minute sync measurement.
 */
@ExtendWith(LiveKitRig.class)
class ShippedRoomCompositeNetnsIT {
  private static Stores stores;
  private static PackagedServer server;

  private static synchronized PackagedServer server(LiveKitRig rig, Path dir) throws Exception {
    if (server == null) {
      stores = new Stores();
      server = new PackagedServer("shipped-room-composite", rig, dir, stores.azureYaml(), "room_composite_renderer: chrome");
    }
    return server;
  }

  @AfterAll
  static void stopServers() {
    if (server != null) {
      server.close();
    }
    if (stores != null) {
      stores.close();
    }
  }

  /**
   * Starts a publisher once those already in the room have joined, more than a second later: the
   * grid orders tiles by join time, which livekit-server gives in whole seconds (as the reference's
   * templates do); two publishers started together often joined in the same second, and then the
   * page's own order decided which tile was whose (a clean-clone run measured alice's beeps against
   * bob's flashes: -341 ms "offset").
   */
  private static PythonPublisher startAfterInTheNextSecond(LiveKitRig rig, String room, String identity, String... args)
      throws Exception {
    Shipped.awaitTracks(rig, room, 2);
    Thread.sleep(1_100);
    return PythonPublisher.start(rig.livekit(), room, identity, args);
  }

  /**
   * Grid, then speaker (UpdateLayout), to MP4 on the request's own S3, HLS on the config's Azure,
   * RTMP switched from one URL to another (UpdateStream) and JPEG thumbnails; the room's sound is
   * the two publishers' beeps, each on its own tile's flash, one beep a second.
   */
  @Test
  void gridThenSpeakerToEveryOutput(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    int gridSeconds = Integer.getInteger("shipped.grid.seconds", 20);
    String room = "shipped-composite";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (NginxRtmpServer rtmp = new NginxRtmpServer().start();
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000");
        PythonPublisher bob = startAfterInTheNextSecond(rig, room, "bob", "--beep-hz", "440");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 4);
      var outputs = new EncodedOutputs(
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("rc/{room_name}-{time}.mp4").setS3(stores.s3Upload()).build(),
          LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP).addUrls(rtmp.url("first")).build(),
          LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("rc-hls/seg").setPlaylistName("rc-hls/index.m3u8")
              .setSegmentDuration(4).build(),
          LivekitEgress.ImageOutput.newBuilder().setFilenamePrefix("rc-img/thumb").setCaptureInterval(5).setWidth(320)
              .setHeight(180).setS3(stores.s3Upload()).build());
      EgressInfo started = ok(client.startRoomCompositeEgress(room, outputs, "grid", null,
          LivekitEgress.EncodingOptions.newBuilder().setWidth(1280).setHeight(720).setFramerate(30).setVideoBitrate(2500)
              .build(), false, false, "", io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(gridSeconds * 1000L);

      EgressInfo relaid = ok(client.updateLayout(id, "speaker").execute());
      assertThat(relaid.getEgressId()).isEqualTo(id);
      EgressInfo swapped = ok(client.updateStream(id, List.of(rtmp.url("second")), List.of(rtmp.url("first"))).execute());
      watch.note(swapped);
      assertThat(swapped.getStreamResultsList()).extracting(StreamInfo::getStatus)
          .containsExactly(StreamInfo.Status.FINISHED, StreamInfo.Status.ACTIVE);
      Thread.sleep(8_000);
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);
      System.out.println("room composite statuses " + watch.statuses(id));

      // the MP4, from the request's S3
      var fileInfo = done.getFileResults(0);
      assertThat(fileInfo.getLocation()).startsWith("http://127.0.0.1:").contains("/" + Stores.BUCKET + "/rc/" + room + "-");
      Path mp4 = stores.fetch(fileInfo.getLocation(), tmp.resolve("got"));
      assertThat(Files.size(mp4)).isEqualTo(fileInfo.getSize());
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertThat(codec(mp4, "audio")).isEqualTo("aac");
      assertReportedDuration(fileInfo.getDuration(), mp4);
      Files.copy(mp4, Path.of("target", "e2e", "shipped-room-composite.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(Probe.frozenLeadIn(Probe.frameHashes(mp4))).as("frames repeating the first").isLessThanOrEqualTo(2);

      // each publisher's beep once a second, on its own tile's flash (grid: alice left, bob right)
      for (String[] p : new String[][] {{"alice", "iw/2:ih:0:0", "1000"}, {"bob", "iw/2:ih:iw/2:0", "440"}}) {
        List<Double> beeps = Shipped.beeps(mp4, Double.parseDouble(p[2]));
        List<Double> periods = Shipped.periods(beeps);
        double mean = periods.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("%s: %d beeps, mean period %.4f s, min %.4f, max %.4f%n", p[0], beeps.size(), mean,
            periods.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
            periods.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat(beeps.size()).as("%s's beeps", p[0]).isGreaterThanOrEqualTo(gridSeconds + 4);
        assertThat(mean).as("%s's beep period", p[0]).isCloseTo(1.000, within(0.002));
        assertThat(periods).as("%s's beep periods", p[0]).allSatisfy(x -> assertThat(x).isCloseTo(1.0, within(0.025)));
        Path grid = gridPart(mp4, gridSeconds, tmp.resolve("grid-" + p[0] + ".mp4"));
        Shipped.Sync sync = Shipped.sync(grid, p[1], Double.parseDouble(p[2]), 30);
        System.out.println(p[0] + " " + sync);
        Shipped.assertInSync(sync);
      }

      // HLS on Azure: the playlist lists what is stored, and it plays
      var seg = done.getSegmentResults(0);
      assertThat(seg.getPlaylistLocation()).contains("/" + Stores.BUCKET + "/rc-hls/index.m3u8");
      Path playlist = stores.fetch(seg.getPlaylistLocation(), tmp.resolve("hls"));
      List<String> segments = Files.readAllLines(playlist).stream().filter(l -> l.endsWith(".ts")).toList();
      assertThat(segments).hasSize((int) seg.getSegmentCount());
      double listed = Files.readAllLines(playlist).stream().filter(l -> l.startsWith("#EXTINF:"))
          .mapToDouble(l -> Double.parseDouble(l.substring(8, l.indexOf(',')))).sum();
      assertThat(seg.getDuration() / 1e9).as("segments' reported duration vs the playlist").isCloseTo(listed, within(0.5));
      Path firstSegment = stores.fetch(seg.getPlaylistLocation().replace("index.m3u8", segments.get(0)), tmp.resolve("hls"));
      assertThat(codec(firstSegment, "video")).isEqualTo("h264");
      assertThat(codec(firstSegment, "audio")).isEqualTo("aac");

      // RTMP: both destinations got a stream, each FINISHED with its own duration
      rtmp.stop();
      assertThat(done.getStreamResultsList()).extracting(StreamInfo::getStatus)
          .containsExactly(StreamInfo.Status.FINISHED, StreamInfo.Status.FINISHED);
      for (int i = 0; i < 2; i++) {
        Path flv = rtmp.recording(i == 0 ? "first" : "second");
        assertThat(codec(flv, "video")).isEqualTo("h264");
        assertThat(done.getStreamResults(i).getDuration() / 1e9).as("stream %d duration", i)
            .isCloseTo(Shipped.probedSeconds(flv), within(1.5));
      }

      // JPEGs on S3, listed in the manifest next to the MP4
      assertThat(done.getImageResults(0).getImageCount()).isGreaterThanOrEqualTo(gridSeconds / 5 + 1);
      JsonNode manifest = new ObjectMapper().readTree(stores.fetch(done.getManifestLocation(), tmp.resolve("manifest")).toFile());
      JsonNode image = manifest.get("images").get(0);
      Path jpeg = stores.fetch(image.get("location").asText(), tmp.resolve("img"));
      JsonNode still = Probe.stream(Probe.info(jpeg), "video");
      assertThat(still.get("codec_name").asText()).isEqualTo("mjpeg");
      assertThat(still.get("width").asInt()).isEqualTo(320);
    }
  }

  /** The first {@code seconds} of a recording (the grid part), copied as it is. */
  private static Path gridPart(Path mp4, int seconds, Path out) throws Exception {
    Probe.run(List.of(io.egressjava.media.ffmpeg.Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-y", "-i",
        mp4.toString(), "-t", String.valueOf(seconds), "-c", "copy", out.toString()));
    return out;
  }

  /** A page's own flash and WebAudio beep, to MP4 on local disk and SRT, from the page's own sound. */
  @Test
  void webPageToFileAndSrt(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    EgressServiceClient client = Shipped.egressClient(rig);
    try (TestPages pages = new TestPages(); SrtReceiver srt = new SrtReceiver().start();
        StatusWatch watch = new StatusWatch(client, "")) {
      Path local = tmp.resolve("out/web.mp4");
      var outputs = new EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(local.toString()).build(),
          LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.SRT).addUrls(srt.url()).build(),
          null, null);
      EgressInfo started = ok(client.startWebEgress(pages.url("/flash-beep.html"), outputs, null,
          LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).build(), false, false, false)
          .execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(12_000);
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);
      Path mp4 = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve("got"));
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
      // the page draws its flash when its beep is due out of the speakers; the picture then takes a
      // frame or two through Chrome's compositor and the screen capture, the sound does not, so the
      // beep leads by about that much (the reference's own CI allows 300 ms)
      Shipped.Sync sync = Shipped.sync(mp4, null, 1000, 30);
      System.out.println("web egress A/V sync: " + sync);
      assertThat(Math.abs(sync.firstMean())).as("web page sync %s", sync).isLessThanOrEqualTo(0.080);
      srt.awaitIdle(java.time.Duration.ofMillis(500));
      assertThat(codec(srt.output(), "video")).isEqualTo("h264");
      assertThat(codec(srt.output(), "audio")).isEqualTo("aac");
      assertThat(done.getStreamResults(0).getStatus()).isEqualTo(StreamInfo.Status.FINISHED);
      assertThat(done.getStreamResults(0).getDuration() / 1e9).isCloseTo(Shipped.probedSeconds(mp4), within(1.5));
    }
  }

  /** Audio only, no layout: the SDK mixes the room (no Chrome), to OGG (Opus) on Azure and to MP3. */
  @Test
  void audioOnlyRoomToOggAndMp3(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-audio";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000", "--video", "none");
        PythonPublisher bob = PythonPublisher.start(rig.livekit(), room, "bob", "--beep-hz", "440", "--video", "none");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 2);
      EgressInfo ogg = ok(client.startRoomCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFileType(LivekitEgress.EncodedFileType.OGG).setFilepath("audio/{room_name}.ogg").build(), "", null, null,
          true, false, "", io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
      EgressInfo mp3 = ok(client.startRoomCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFileType(LivekitEgress.EncodedFileType.MP3).setFilepath("audio/{room_name}.mp3").setS3(stores.s3Upload()).build(),
          "", null, null, true, false, "", io.livekit.server.AudioMixing.DEFAULT_MIXING).execute());
      for (EgressInfo e : List.of(ogg, mp3)) {
        watch.note(e);
        Shipped.awaitActive(watch, e.getEgressId());
      }
      Thread.sleep(10_000);
      for (EgressInfo e : List.of(ogg, mp3)) {
        EgressInfo done = Shipped.stop(client, watch, e.getEgressId());
        assertComplete(done);
        Path file = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve(e.getEgressId()));
        assertThat(codec(file, "audio")).isEqualTo(file.toString().endsWith(".ogg") ? "opus" : "mp3");
        assertReportedDuration(done.getFileResults(0).getDuration(), file);
        for (double hz : new double[] {1000, 440}) {
          List<Double> periods = Shipped.periods(Shipped.beeps(file, hz));
          assertThat(periods).as("%s Hz beeps in %s", hz, file.getFileName()).hasSizeGreaterThanOrEqualTo(7)
              .allSatisfy(x -> assertThat(x).isCloseTo(1.0, within(0.025)));
        }
      }
    }
  }
}
