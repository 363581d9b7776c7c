package io.egressjava.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.livekit.server.RoomServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every room example (library API) run against the real livekit-server with a Go-SDK publisher;
 * track egress has its own, on egress-embedded alone (examples-embedded).
 */
@ExtendWith(LiveKitRig.class)
class RoomExamplesNetnsIT {

  private static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error"));
    cmd.addAll(List.of(args));
    Probe.run(cmd);
  }

  @Test
  void trackCompositeParticipantAndRoomCompositeExamples(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-t", "60", "-c:v", "libvpx", "-b:v", "600k", "-g", "30",
        "-deadline", "realtime", "-cpu-used", "8", tmp.resolve("v.ivf").toString());
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "60", "-ac", "2", "-c:a", "libopus",
        "-b:a", "48k", tmp.resolve("a.ogg").toString());
    String room = "examples";
    String url = rig.livekit().wsUrl();
    String key = LiveKitServer.API_KEY;
    String secret = LiveKitServer.API_SECRET;
    try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "alice", false, tmp.resolve("v.ivf"), tmp.resolve("a.ogg"))) {
      Map<String, String> tracks = tracks(rig, room);
      Path out = tmp.resolve("out");
      Files.createDirectories(out);

      TrackCompositeExample.main(new String[] {url, key, secret, room, tracks.get("audio/opus"), tracks.get("video/vp8"),
          out.resolve("tc.mp4").toString(), "4"});
      var tc = Probe.info(out.resolve("tc.mp4"));
      assertThat(Probe.stream(tc, "video").get("codec_name").asText()).isEqualTo("h264");
      assertThat(Probe.stream(tc, "audio").get("codec_name").asText()).isEqualTo("aac");
      assertThat(tc.get("format").get("duration").asDouble()).isCloseTo(4.0, within(1.5));

      ParticipantEgressExample.main(new String[] {url, key, secret, room, "alice", out.resolve("alice.mp4").toString(), "4"});
      var p = Probe.info(out.resolve("alice.mp4"));
      assertThat(Probe.stream(p, "video").get("width").asInt()).isEqualTo(1280);
      assertThat(Probe.meanVolumeDb(out.resolve("alice.mp4"))).isGreaterThan(-30);

      RoomCompositeExample.main(new String[] {url, key, secret, room, out.resolve("room.ogg").toString(), "4", "audio-only"});
      assertThat(Probe.stream(Probe.info(out.resolve("room.ogg")), "audio").get("codec_name").asText()).isEqualTo("opus");
      assertThat(Probe.meanVolumeDb(out.resolve("room.ogg"))).isGreaterThan(-35);

      RoomCompositeExample.main(new String[] {url, key, secret, room, out.resolve("room.mp4").toString(), "4"});
      var rc = Probe.info(out.resolve("room.mp4"));
      assertThat(Probe.stream(rc, "video").get("width").asInt()).isEqualTo(1280);
      assertThat(Probe.stream(rc, "audio").get("codec_name").asText()).isEqualTo("aac");
    }
  }

  private static Map<String, String> tracks(LiveKitRig rig, String room) throws Exception {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < 100 && out.size() < 2; i++) {
      out.clear();
      for (LivekitModels.ParticipantInfo p : rooms.listParticipants(room).execute().body()) {
        p.getTracksList().forEach(t -> out.put(t.getMimeType().toLowerCase(java.util.Locale.ROOT), t.getSid()));
      }
      Thread.sleep(out.size() < 2 ? 100 : 0);
    }
    return out;
  }
}
