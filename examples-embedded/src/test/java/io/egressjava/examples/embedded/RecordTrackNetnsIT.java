package io.egressjava.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.livekit.server.RoomServiceClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example on a classpath made of egress-embedded alone (plus test tools): it records
 * a Go-SDK publisher's Opus track from the real livekit-server, and the file holds that sound.
 */
@ExtendWith(LiveKitRig.class)
class RecordTrackNetnsIT {

  @Test
  void classpathHasNoServerChromeOrGplFfmpeg() {
    assertThatThrownBy(() -> Class.forName("redis.clients.jedis.Jedis")).isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("com.microsoft.playwright.Playwright")).isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.egressjava.server.EgressService")).isInstanceOf(ClassNotFoundException.class);
    List<String> jars = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    assertThat(jars).filteredOn(j -> j.contains("/org/bytedeco/ffmpeg/")).isNotEmpty()
        .noneMatch(j -> j.contains("-gpl"));
  }

  @Test
  void recordsAnOpusTrackAsPublished(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Path published = tmp.resolve("a.ogg");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "60", "-ac", "2", "-c:a", "libopus", "-b:a", "48k", published.toString()));
    String room = "embedded";
    try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "alice", false, published)) {
      String trackSid = audioTrack(rig, room);
      Path out = tmp.resolve("out");
      Files.createDirectories(out);

      var done = RecordTrack.record(rig.livekit().wsUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET, room, trackSid,
          out.toString(), 4);

      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      Path ogg = out.resolve("audio-" + trackSid + ".ogg");
      assertThat(done.getFileResults(0).getLocation()).isEqualTo(ogg.toString());
      var info = Probe.info(ogg);
      assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("opus");
      assertThat(info.get("format").get("duration").asDouble()).isCloseTo(4.0, within(1.5));
      assertThat(Probe.meanVolumeDb(ogg)).as("the sine is in the file").isGreaterThan(-30);
    }
  }

  private static String audioTrack(LiveKitRig rig, String room) throws Exception {
    RoomServiceClient rooms = RoomServiceClient.Companion.createClient(rig.livekit().httpUrl(), LiveKitServer.API_KEY,
        LiveKitServer.API_SECRET);
    for (int i = 0; i < 100; i++) {
      for (LivekitModels.ParticipantInfo p : rooms.listParticipants(room).execute().body()) {
        for (LivekitModels.TrackInfo t : p.getTracksList()) {
          if (t.getType() == LivekitModels.TrackType.AUDIO) {
            return t.getSid();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no audio track published in " + room);
  }
}
