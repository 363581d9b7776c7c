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

  /**
   * HLS cut short: one segment stored by the egress, two left on disk and a fourth half written.
   * They are stored and the playlist is written whole — every segment in order, ended — and reported.
   */
  @Test
  void hlsSegmentsLeftOnDiskAreStoredAndThePlaylistEnded(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    EgressPlan plan = new EgressPlanner(CONFIG, Clock.systemUTC()).plan(StartEgressRequest.newBuilder().setEgressId("EG_hls")
        .setTrackComposite(LivekitEgress.TrackCompositeEgressRequest.newBuilder().setRoomName("room")
            .setAudioTrackId("TR_a").setVideoTrackId("TR_v")
            .addSegmentOutputs(LivekitEgress.SegmentedFileOutput.newBuilder().setFilenamePrefix(out.resolve("seg").toString())
                .setPlaylistName(out.resolve("index.m3u8").toString()).setSegmentDuration(2)))
        .build());
    Path work = tmp.resolve("work/EG_hls");
    SpoolJournal journal = SpoolJournal.in(work);
    long t0 = 1_800_000_000_000_000_000L;
    for (int i = 0; i < 3; i++) {
      Path segment = work.resolve(plan.segments().names().indexSegment(i));
      Files.createDirectories(segment.getParent());
      ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=30", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts",
          segment.toString());
      String local = work.relativize(segment).toString();
      journal.segmentReady(local, t0 + i * 2_000_000_000L, 2.0);
      if (i == 0) { // stored by the egress before it died
        Path stored = out.resolve(segment.getFileName());
        Files.createDirectories(out);
        Files.move(segment, stored);
        journal.segmentStored(local, stored.toString(), Files.size(stored));
      }
    }

    // and the one being written at the death: not journaled, cut short
    Path partial = work.resolve(plan.segments().names().indexSegment(3));
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=30", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts",
        partial.toString());
    cutShort(partial, 0.6);

    SpoolSalvage.Salvaged done = new SpoolSalvage(CONFIG, Path.of("/")).salvage(plan, work, t0);

    assertThat(done.complete()).isTrue();
    LivekitEgress.SegmentsInfo seg = done.segments().orElseThrow();
    assertThat(seg.getSegmentCount()).isEqualTo(4);
    assertThat(seg.getDuration() / 1e9).as("three whole segments and the part of the fourth").isBetween(6.5, 8.0);
    assertThat(seg.getStartedAt()).isEqualTo(t0);
    assertThat(seg.getPlaylistLocation()).isEqualTo(out.resolve("index.m3u8").toString());
    String playlist = Files.readString(out.resolve("index.m3u8"));
    assertThat(playlist.lines().filter(l -> l.endsWith(".ts")).toList())
        .containsExactly("seg_00000.ts", "seg_00001.ts", "seg_00002.ts", "seg_00003.ts");
    assertThat(playlist).endsWith("#EXT-X-ENDLIST\n");
    for (int i = 0; i < 4; i++) {
      assertThat(out.resolve(String.format("seg_%05d.ts", i))).exists();
    }
    assertThat(SpoolSalvage.leftovers(work)).isEmpty();
    LivekitEgress.EgressInfo.Builder info = plan.info().toBuilder();
    done.applyTo(info, plan);
    assertThat(info.getSegmentResults(0).getSegmentCount()).isEqualTo(4);
    assertThat(info.getSegmentResults(0).getPlaylistName()).isEqualTo(plan.info().getSegmentResults(0).getPlaylistName());
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
