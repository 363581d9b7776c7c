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
 * The embedding examples on a classpath made of egress-embedded alone (plus test tools), against
 * the real livekit-server with a Go-SDK publisher: a track recorded to a file that holds its sound,
 * and the room receiver handing over every track's frames.
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

  @Test
  void theRoomReceiverHandsOverEveryTracksFrames(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Path video = tmp.resolve("v.ivf");
    Path audio = tmp.resolve("a.ogg");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=30",
        "-t", "60", "-c:v", "libvpx", "-b:v", "600k", "-g", "30", "-deadline", "realtime", "-cpu-used", "8", video.toString()));
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "60", "-ac", "2", "-c:a", "libopus", "-b:a", "48k", audio.toString()));
    String room = "frames";
    try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "alice", false, video, audio)) {
      audioTrack(rig, room);
      var counts = RoomFrames.receive(rig.livekit().wsUrl(), LiveKitServer.API_KEY, LiveKitServer.API_SECRET, room,
          java.time.Duration.ofSeconds(4));
      assertThat(counts.values()).extracting(RoomFrames.Counts::codec).containsExactlyInAnyOrder("opus", "vp8");
      for (RoomFrames.Counts c : counts.values()) {
        // ~3 s after the subscription is up: 20 ms Opus frames, 30 fps VP8 with a key frame every second
        assertThat(c.frames()).as(c.codec()).isGreaterThan(c.codec().equals("opus") ? 100 : 60);
        assertThat(c.keyFrames()).as(c.codec()).isGreaterThan(0);
      }
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
