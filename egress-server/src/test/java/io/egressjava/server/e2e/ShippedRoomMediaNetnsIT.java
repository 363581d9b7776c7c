package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.assertReportedDuration;
import static io.egressjava.server.e2e.Shipped.codec;
import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.NginxRtmpServer;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.EncodedOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Participant and track composite egress from the packaged server (config storage: GCS), with
 * LiveKit Python SDK publishers (libwebrtc, VP8 and H.264) — the composites whose sync a user
 * found off (+43 to +136 ms) and whose first picture was frozen for 23 frames.
 */
@ExtendWith(LiveKitRig.class)
class ShippedRoomMediaNetnsIT {
  private static Stores stores;
  private static PackagedServer server;

  private static synchronized void server(LiveKitRig rig, Path dir) throws Exception {
    if (server == null) {
      stores = new Stores();
      server = new PackagedServer("shipped-room-media", rig, dir, stores.gcpYaml(), "");
    }
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

  /** A participant (microphone, then a camera 3 s later, H.264) to MP4 and HLS on the config's GCS. */
  @Test
  void participantToFileAndSegments(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-participant";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    // the camera comes 3 s after the microphone, with the recording already running: the video
    // starts there, not with its first picture frozen over the 3 s before (as it once did)
    try (PythonPublisher carol = PythonPublisher.start(rig.livekit(), room, "carol", "--codec", "h264", "--video-after", "3");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 1);
      var outputs = new EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("p/{publisher_identity}.mp4").build(),
          null, LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix("p-hls/carol").setPlaylistName("p-hls/carol.m3u8")
              .setSegmentDuration(2).build(), null);
      EgressInfo started = ok(client.startParticipantEgress(room, "carol", outputs, false, null,
          LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).build()).execute());
      watch.note(started);
      Shipped.awaitActive(watch, started.getEgressId());
      Thread.sleep(14_000);
      EgressInfo done = Shipped.stop(client, watch, started.getEgressId());
      assertComplete(done);

      Path mp4 = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve("got"));
      assertThat(done.getFileResults(0).getLocation()).isEqualTo("https://" + Stores.BUCKET + ".storage.googleapis.com/p/carol.mp4");
      assertThat(Files.size(mp4)).isEqualTo(done.getFileResults(0).getSize());
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
      assertThat(Probe.frozenLeadIn(Probe.frameHashes(mp4))).as("frames repeating the first").isLessThanOrEqualTo(2);
      Shipped.assertInSync(Shipped.sync(mp4, null, 1000, 30));

      var seg = done.getSegmentResults(0);
      Path playlist = stores.fetch(seg.getPlaylistLocation(), tmp.resolve("hls"));
      List<String> segments = Files.readAllLines(playlist).stream().filter(l -> l.endsWith(".ts")).toList();
      assertThat(segments).hasSize((int) seg.getSegmentCount()).hasSizeGreaterThanOrEqualTo(5);
      for (String name : segments) {
        Path segment = stores.fetch(seg.getPlaylistLocation().replace("carol.m3u8", name), tmp.resolve("hls"));
        if (!"h264".equals(codec(segment, "video"))) {
          Path kept = Files.copy(segment, Files.createDirectories(Path.of("target", "e2e")).resolve("shipped-participant-" + name),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          throw new AssertionError("segment " + name + " of " + segments + " (" + Files.size(segment) + " bytes, kept as " + kept
              + ") has no H.264 video: " + Shipped.probe(segment) + "\nplaylist:\n" + Files.readString(playlist));
        }
      }
    }
  }

  /**
   * Another instance joins as the egress (livekit-server dispatched it twice): the packaged server's
   * handler gives the participant egress up without a final update, and the service deletes what it
   * wrote (the server's close fails the test on a spool left behind).
   */
  @Test
  void participantGivesUpToADuplicateIdentity(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-duplicate";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PythonPublisher frank = PythonPublisher.start(rig.livekit(), room, "frank");
        StatusWatch watch = new StatusWatch(client, room)) {
      Shipped.awaitTracks(rig, room, 2);
      var outputs = new EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("dup/{publisher_identity}.mp4").build(),
          null, null, null);
      EgressInfo started = ok(client.startParticipantEgress(room, "frank", outputs, false, null,
          LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).build()).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      String token = io.egressjava.core.plan.EgressToken.mint(io.egressjava.testrig.LiveKitServer.API_KEY,
          io.egressjava.testrig.LiveKitServer.API_SECRET, id, room, java.time.Instant.now());
      try (var other = io.egressjava.webrtc.RoomSubscriber.join(rig.livekit().wsUrl(), token,
          (trackSid, codec, frame) -> { }, null, java.time.Duration.ofSeconds(10))) {
        io.egressjava.testrig.Ports.await(java.time.Duration.ofSeconds(15), "the service to let " + id + " go",
            () -> server.logOf(id).contains("egress " + id + " finished"));
        assertThat(server.logOf(id)).contains("another instance joined as this egress");
        Thread.sleep(1000);
        assertThat(ok(client.listEgress(room).execute())).filteredOn(i -> i.getEgressId().equals(id))
            .extracting(EgressInfo::getStatus).as("no final update from the instance that gave up")
            .containsExactly(LivekitEgress.EgressStatus.EGRESS_ACTIVE);
        assertThat(watch.statuses(id)).doesNotContain(LivekitEgress.EgressStatus.EGRESS_COMPLETE,
            LivekitEgress.EgressStatus.EGRESS_FAILED);
        watch.forget(id); // livekit-server keeps it ACTIVE; the instance that took it over was this test's subscriber
      }
    }
  }

  /**
   * A track composite (VP8 camera + microphone) to MP4 on the request's S3 and RTMP, with a second
   * RTMP URL added by UpdateStream and the first removed; its first picture is not held frozen.
   */
  @Test
  void trackCompositeToFileAndStream(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-track-composite";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (NginxRtmpServer rtmp = new NginxRtmpServer().start();
        PythonPublisher dave = PythonPublisher.start(rig.livekit(), room, "dave");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("dave");
      var outputs = new EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("tc/{room_name}.mp4")
          .setS3(stores.s3Upload()).build(),
          LivekitEgress.StreamOutput.newBuilder().setProtocol(LivekitEgress.StreamProtocol.RTMP).addUrls(rtmp.url("one")).build(),
          null, null);
      EgressInfo started = ok(client.startTrackCompositeEgress(room, outputs, tracks.get("audio/opus"), tracks.get("video/vp8"),
          null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).build()).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);
      Thread.sleep(7_000);
      EgressInfo updated = ok(client.updateStream(id, List.of(rtmp.url("two")), List.of(rtmp.url("one"))).execute());
      assertThat(updated.getStreamResultsList()).extracting(StreamInfo::getStatus)
          .containsExactly(StreamInfo.Status.FINISHED, StreamInfo.Status.ACTIVE);
      assertThat(updated.getStreamResults(0).getDuration() / 1e9).isGreaterThan(4);
      Thread.sleep(7_000);
      EgressInfo done = Shipped.stop(client, watch, id);
      assertComplete(done);

      Path mp4 = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve("got"));
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertThat(codec(mp4, "audio")).isEqualTo("aac");
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
      assertThat(Probe.frozenLeadIn(Probe.frameHashes(mp4))).as("frames repeating the first").isLessThanOrEqualTo(2);
      Shipped.assertInSync(Shipped.sync(mp4, null, 1000, 30), server.logOf(id));
      rtmp.stop();
      for (int i = 0; i < 2; i++) {
        Path flv = rtmp.recording(i == 0 ? "one" : "two");
        assertThat(codec(flv, "video")).isEqualTo("h264");
        assertThat(done.getStreamResults(i).getDuration() / 1e9).isCloseTo(Shipped.probedSeconds(flv), within(1.5));
      }
    }
  }
}
