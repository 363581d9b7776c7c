package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.assertComplete;
import static io.egressjava.server.e2e.Shipped.assertReportedDuration;
import static io.egressjava.server.e2e.Shipped.codec;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.server.BrowserPublisher;
import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.PythonPublisher;
import io.egressjava.testrig.S3ProxyServer;
import io.egressjava.webrtc.publisher.PublisherToken;
import java.nio.file.Files;
import java.nio.file.Path;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 StartEgress (TemplateSource, WebSource, MediaSource), which the Kotlin SDK cannot send,
 * requested through LiveKit's Python server SDK (livekit-api) against the packaged server; the
 * media source records a LiveKit JS SDK publisher in Chromium. StopEgress and ListEgress go through
 * the Kotlin SDK as in the other suites.
 */
@ExtendWith(LiveKitRig.class)
class ShippedV2NetnsIT {
  private static Stores stores;
  private static PackagedServer server;

  private static synchronized void server(LiveKitRig rig, Path dir) throws Exception {
    if (server == null) {
      stores = new Stores();
      server = new PackagedServer("shipped-v2", rig, dir, "", "");
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

  /** The request's own S3 in v2's shape (StorageConfig). */
  private static String s3Json() {
    var s3 = stores.s3Upload();
    return "{\"s3\": {\"access_key\": \"" + S3ProxyServer.ACCESS_KEY + "\", \"secret\": \"" + S3ProxyServer.SECRET_KEY
        + "\", \"endpoint\": \"" + s3.getEndpoint() + "\", \"bucket\": \"" + Stores.BUCKET
        + "\", \"region\": \"us-east-1\", \"force_path_style\": true}}";
  }

  /** Records for {@code seconds}, stops, and returns the final info (statuses checked on the way). */
  private static EgressInfo record(LiveKitRig rig, String room, EgressInfo started, int seconds) throws Exception {
    var client = Shipped.egressClient(rig);
    try (StatusWatch watch = new StatusWatch(client, room)) {
      watch.note(started);
      Shipped.awaitActive(watch, started.getEgressId());
      Thread.sleep(seconds * 1000L);
      EgressInfo done = Shipped.stop(client, watch, started.getEgressId());
      assertComplete(done);
      return done;
    }
  }

  @Test
  void templateToFileOnRequestStorage(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-v2-template";
    Shipped.createRoom(rig, room);
    try (PythonPublisher gina = PythonPublisher.start(rig.livekit(), room, "gina")) {
      Shipped.awaitTracks(rig, room, 2);
      EgressInfo started = Shipped.startV2(rig, "{\"room_name\": \"" + room + "\", \"template\": {\"layout\": \"speaker\"},"
          + " \"advanced\": {\"width\": 640, \"height\": 360, \"framerate\": 30},"
          + " \"outputs\": [{\"file\": {\"filepath\": \"v2/{room_name}.mp4\"}, \"storage\": " + s3Json() + "}]}");
      EgressInfo done = record(rig, room, started, 12);
      Path mp4 = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve("got"));
      assertThat(done.getFileResults(0).getFilename()).isEqualTo("v2/" + room + ".mp4");
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertThat(codec(mp4, "audio")).isEqualTo("aac");
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
      Shipped.assertInSync(Shipped.sync(mp4, null, 1000, 30));
    }
  }

  @Test
  void webPageToFile(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    try (TestPages pages = new TestPages()) {
      Path local = tmp.resolve("out/v2-web.mp4");
      EgressInfo started = Shipped.startV2(rig, "{\"web\": {\"url\": \"" + pages.url("/pattern.html") + "\"},"
          + " \"advanced\": {\"width\": 640, \"height\": 360},"
          + " \"outputs\": [{\"file\": {\"filepath\": \"" + local + "\"}}]}");
      EgressInfo done = record(rig, "", started, 8);
      Path mp4 = Path.of(done.getFileResults(0).getLocation());
      assertThat(mp4).isEqualTo(local);
      assertThat(Files.size(mp4)).isEqualTo(done.getFileResults(0).getSize());
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
    }
  }

  /** A participant's camera and its microphone by route, published from Chromium (LiveKit JS SDK). */
  @Test
  void mediaOfABrowserPublisher(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    server(rig, tmp.resolve("server"));
    String room = "shipped-v2-media";
    Shipped.createRoom(rig, room);
    try (BrowserPublisher web = BrowserPublisher.start(rig.livekit().wsUrl(),
        PublisherToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "helen", room))) {
      Shipped.awaitTracks(rig, room, 2);
      EgressInfo started = Shipped.startV2(rig, "{\"room_name\": \"" + room + "\", \"media\": {\"participant_video\": {\"identity\": \"helen\"},"
          + " \"audio\": {\"routes\": [{\"participant_identity\": \"helen\"}]}},"
          + " \"advanced\": {\"width\": 640, \"height\": 360, \"framerate\": 30},"
          + " \"outputs\": [{\"file\": {\"filepath\": \"v2/media-{room_name}.mp4\"}, \"storage\": " + s3Json() + "}]}");
      assertThat(started.getSourceType()).isEqualTo(LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_SDK);
      EgressInfo done = record(rig, room, started, 12);
      Path mp4 = stores.fetch(done.getFileResults(0).getLocation(), tmp.resolve("got"));
      assertThat(codec(mp4, "video")).isEqualTo("h264");
      assertReportedDuration(done.getFileResults(0).getDuration(), mp4);
      Shipped.assertInSync(Shipped.sync(mp4, null, 1000, 30));
    }
  }
}
