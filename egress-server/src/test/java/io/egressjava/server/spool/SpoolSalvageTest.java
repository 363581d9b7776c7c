package io.egressjava.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.core.spool.SpoolJournal;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.Probe;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.FileInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a killed recording left is finalized, stored where the request asked and reported: the
 * files are real ones, written by FFmpeg and cut short the way a SIGKILL cuts them (mid-fragment,
 * without the WebM's cues or the MP4's index); the storage is the local one.
 */
class SpoolSalvageTest {
  static final EgressConfig CONFIG = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h\n", Map.of())
      .config();

  @Test
  void aFragmentedMp4CutShortIsStoredFastStartWithItsDuration(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out/talk.mp4");
    EgressPlan plan = trackCompositePlan("EG_salvage", out.toString());
    Path work = tmp.resolve("work/EG_salvage");
    Files.createDirectories(work);
    Path local = work.resolve("talk.mp4");
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30", "-t", "6", "-c:v", "libx264", "-g", "30", "-preset", "ultrafast",
        "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", local.toString());
    cutShort(local, 0.8);
    SpoolJournal.in(work).fileOpened("talk.mp4", plan.file().storagePath(), "video/mp4", 1_000_000_000L);

    SpoolSalvage.Salvaged done = new SpoolSalvage(CONFIG, Path.of("/")).salvage(plan, work, 5);

    assertThat(done.complete()).isTrue();
    assertThat(done.files()).hasSize(1);
    FileInfo f = done.files().get(0);
    assertThat(f.getLocation()).isEqualTo(out.toString());
    assertThat(f.getSize()).isEqualTo(Files.size(out));
    assertThat(f.getStartedAt()).isEqualTo(1_000_000_000L);
    double seconds = f.getDuration() / 1e9;
    System.out.printf("recovered %.2f s of the 6 s written, cut at 80 %% of its bytes%n", seconds);
    assertThat(seconds).as("whole fragments up to the cut").isBetween(3.0, 5.5);
    assertThat(MediaDuration.nanos(out)).isEqualTo(f.getDuration());
    assertThat(Probe.decodedVideoFrames(out)).isBetween((int) (seconds * 30) - 1, (int) (seconds * 30) + 1);
    assertThat(new String(Files.readAllBytes(out), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    assertThat(indexOf(Files.readAllBytes(out), "moov")).as("index first").isLessThan(indexOf(Files.readAllBytes(out), "mdat"));
    assertThat(local).doesNotExist();
    assertThat(SpoolSalvage.leftovers(work)).isEmpty();

    // done once: a second pass reports the same file from the journal, without storing again
    SpoolSalvage.Salvaged again = new SpoolSalvage(CONFIG, Path.of("/")).salvage(plan, work, 5);
    assertThat(again.files()).containsExactly(f);
  }

  @Test
  void aWebmCutShortGetsItsDurationBack(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out/track.webm");
    EgressPlan plan = trackCompositePlan("EG_webm", tmp.resolve("out/ignored.mp4").toString());
    Path work = tmp.resolve("work/EG_webm");
    Files.createDirectories(work);
    Path local = work.resolve("track.webm");
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30", "-t", "5", "-c:v", "libvpx", "-deadline", "realtime",
        "-cpu-used", "8", "-g", "30", "-live", "1", "-f", "webm", local.toString()); // as written live: no duration, no cues
    cutShort(local, 0.7);
    assertThat(MediaDuration.nanos(local)).as("cut short: no duration in the header").isLessThan(0);
    SpoolJournal.in(work).fileOpened("track.webm", out.toString(), "video/webm", 0);

    SpoolSalvage.Salvaged done = new SpoolSalvage(CONFIG, Path.of("/")).salvage(plan, work, 42);

    FileInfo f = done.files().get(0);
    assertThat(f.getStartedAt()).as("the egress's start when the file's own is unknown").isEqualTo(42);
    assertThat(f.getDuration() / 1e9).isBetween(2.5, 4.5);
    assertThat(MediaDuration.nanos(out)).isEqualTo(f.getDuration());
  }

  /** Storage that refuses the file: it stays in the work directory, and the salvage says it is not done. */
  @Test
  void whatCannotBeStoredStays(@TempDir Path tmp) throws Exception {
    EgressPlan plan = trackCompositePlan("EG_refused", "/proc/egress-java-cannot-write/a.ogg");
    Path work = tmp.resolve("work/EG_refused");
    Files.createDirectories(work);
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-c:a", "libopus",
        work.resolve("a.ogg").toString());
    SpoolJournal.in(work).fileOpened("a.ogg", plan.file().storagePath(), "audio/ogg", 0);

    SpoolSalvage.Salvaged done = new SpoolSalvage(CONFIG, Path.of("/")).salvage(plan, work, 1);

    assertThat(done.complete()).isFalse();
    assertThat(done.files()).isEmpty();
    assertThat(SpoolSalvage.leftovers(work)).containsExactly(work.resolve("a.ogg"));
  }

  static EgressPlan trackCompositePlan(String egressId, String filepath) {
    return new EgressPlanner(CONFIG, Clock.systemUTC()).plan(request(egressId, filepath));
  }

  static StartEgressRequest request(String egressId, String filepath) {
    return StartEgressRequest.newBuilder().setEgressId(egressId)
        .setTrackComposite(LivekitEgress.TrackCompositeEgressRequest.newBuilder().setRoomName("room")
            .setAudioTrackId("TR_a").setVideoTrackId("TR_v")
            .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(filepath)))
        .build();
  }

  static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error"));
    cmd.addAll(List.of(args));
    String log = Probe.run(cmd);
    assertThat(Path.of(args[args.length - 1])).as(log).exists();
  }

  /** Cuts a file to {@code fraction} of its bytes, as a writer killed mid-write leaves it. */
  static void cutShort(Path file, double fraction) throws Exception {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate((long) (c.size() * fraction));
    }
  }

  private static int indexOf(byte[] data, String type) {
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + 4 <= data.length; i++) {
      for (int j = 0; j < 4; j++) {
        if (data[i + j] != t[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
