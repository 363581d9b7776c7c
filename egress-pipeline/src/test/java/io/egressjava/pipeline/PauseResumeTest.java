package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import io.egressjava.media.ffmpeg.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pause and resume through the runner with media whose every second is recognisable: second n's
 * pictures have luma 30 + 20n and its sound is a quiet tone, except in the seconds that will be
 * paused, whose sound is full-scale noise. Pausing at 3 s and resuming at 5 s of 8 s must give 6 s
 * (cut) or 8 s with black and silence in 3–5 s (gap), and never the noise.
 */
class PauseResumeTest {
  private static final int FPS = 30;

  /** Pushes media synchronously when the test says so; its clock reads what the test sets. */
  private static final class DrivenSource implements MediaSource {
    private Receiver receiver;
    private volatile double now = Double.NaN;

    @Override
    public void start(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    public double clockSeconds() {
      return now;
    }

    /** A picture's luma by frame number, and a sample by sample number (48 kHz). */
    interface Content {
      int luma(int frame);

      short sample(long n);
    }

    /** Frames i from..to-1 (1/30 s each, stamped i / 30) with their sound. */
    void push(int from, int to, Content content) {
      int w = 320;
      int h = 240;
      byte[] u = new byte[(w / 2) * (h / 2)];
      Arrays.fill(u, (byte) 128);
      for (int i = from; i < to; i++) {
        now = i / (double) FPS;
        byte[] y = new byte[w * h];
        Arrays.fill(y, (byte) content.luma(i));
        receiver.video(Picture.i420(w, h, y, u, u.clone()), now);
        byte[] pcm = new byte[1600 * 4];
        for (int s = 0; s < 1600; s++) {
          short x = content.sample(i * 1600L + s);
          for (int c = 0; c < 2; c++) {
            pcm[s * 4 + c * 2] = (byte) x;
            pcm[s * 4 + c * 2 + 1] = (byte) (x >> 8);
          }
        }
        receiver.audio(pcm, pcm.length, now);
      }
      now = to / (double) FPS;
    }

    /** Second n's pictures at luma 30 + 20n; a quiet 440 Hz tone, or full-scale noise. */
    void push(int from, int to, boolean noisy) {
      java.util.Random random = new java.util.Random(1);
      push(from, to, new Content() {
        public int luma(int frame) {
          return 30 + 20 * (frame / FPS);
        }

        public short sample(long n) {
          return noisy ? (short) random.nextInt() : (short) (2000 * Math.sin(2 * Math.PI * 440 * n / 48_000.0));
        }
      });
    }

    /** As a flash/beep publisher: white and a 1 kHz beep for the first 100 ms of each second, else grey and silence. */
    void pushFlashing(int from, int to) {
      push(from, to, new Content() {
        public int luma(int frame) {
          return (frame / (double) FPS) % 1.0 < 0.1 ? 235 : 90;
        }

        public short sample(long n) {
          double t = n / 48_000.0;
          return t % 1.0 < 0.1 ? (short) (12000 * Math.sin(2 * Math.PI * 1000 * t)) : 0;
        }
      });
    }

    /** (Its pictures and sound belong to nobody: nothing to leave out.) */
    @Override
    public boolean filter(io.egressjava.core.media.TrackFilter filter) {
      return true;
    }

    @Override
    public void stop() {}
  }

  private record Recorded(Path mp4, EgressSession session, Path root) {}

  /** A running egress of the driven source to a 320x240 MP4 {@code file} in {@code root}. */
  private record Started(DrivenSource source, PipelineRunner runner, EgressSession session, Path root) {
    static Started start(Path tmp, String egressId, String file) throws Exception {
      var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://example.com/")
          .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(320).setHeight(240).setFramerate(FPS))
          .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file));
      return start(tmp, StartEgressRequest.newBuilder().setEgressId(egressId).setWeb(web).build());
    }

    /** A room composite whose request gives {@code layout}. */
    static Started startComposite(Path tmp, String egressId, String file, String layout) throws Exception {
      var composite = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("room").setLayout(layout)
          .setAdvanced(LivekitEgress.EncodingOptions.newBuilder().setWidth(320).setHeight(240).setFramerate(FPS))
          .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(file));
      return start(tmp, StartEgressRequest.newBuilder().setEgressId(egressId).setRoomComposite(composite).build());
    }

    static Started start(Path tmp, StartEgressRequest request) throws Exception {
      Path root = Files.createDirectories(tmp.resolve("storage"));
      EgressConfig config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
      EgressPlan plan = new EgressPlanner(config, Clock.systemUTC()).plan(request);
      EgressSession session = new EgressSession(plan, Clock.systemUTC(), info -> { });
      DrivenSource source = new DrivenSource();
      PipelineRunner runner = new PipelineRunner(config, source, tmp.resolve("work"), root, Clock.systemUTC());
      runner.start(plan, session);
      return new Started(source, runner, session, root);
    }

    void stopAndAwait() {
      runner.stop();
      io.egressjava.testrig.Ports.await(Duration.ofSeconds(30), "the egress to finish", session::isFinished);
    }
  }

  private Recorded record(Path tmp, PauseMode mode) throws Exception {
    Started started = Started.start(tmp, "EG_pause", "paused.mp4");
    DrivenSource source = started.source();
    PipelineRunner runner = started.runner();
    EgressSession session = started.session();
    Path root = started.root();

    source.push(0, 3 * FPS, false);
    assertThat(runner.pause(mode)).isTrue();
    assertThat(runner.pause(PauseMode.CUT)).as("already paused").isFalse();
    assertThat(session.info().getDetails()).startsWith("paused (" + mode.label() + ") since ");
    source.push(3 * FPS, 5 * FPS, true);
    assertThat(runner.resume()).isTrue();
    assertThat(runner.resume()).as("not paused").isFalse();
    source.push(5 * FPS, 8 * FPS, false);
    started.stopAndAwait();
    assertThat(session.info().getStatus()).as(session.info().getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    return new Recorded(root.resolve("paused.mp4"), session, root);
  }

  /** Which seconds of the source the pictures come from, by their luma; -1 for black. */
  private static TreeSet<Integer> secondsShown(Path mp4) throws Exception {
    TreeSet<Integer> seconds = new TreeSet<>();
    for (Probe.Luma l : Probe.lumaPerFrame(mp4)) {
      seconds.add(l.mean() < 20 ? -1 : (int) Math.round((l.mean() - 30) / 20));
    }
    return seconds;
  }

  @Test
  void cutLeavesThePausedSpanOut(@TempDir Path tmp) throws Exception {
    Recorded r = record(tmp, PauseMode.CUT);
    var probed = Probe.info(r.mp4());
    assertThat(probed.get("format").get("duration").asDouble()).isCloseTo(6.0, within(0.1));
    assertThat(secondsShown(r.mp4())).containsExactly(0, 1, 2, 5, 6, 7);
    assertThat(Probe.maxVolumeDb(r.mp4(), 0, 6)).as("the paused noise is not there").isLessThan(-20);
    assertThat(Probe.meanVolumeDb(r.mp4())).as("the tone is").isGreaterThan(-40);
    assertThat(r.session().info().getDetails()).isEqualTo("End reason: Source closed; paused 2.0 s in 1 span (cut)");
    assertThat(r.session().info().getFileResults(0).getDuration()).isCloseTo(6_000_000_000L, within(150_000_000L));
  }

  @Test
  void gapKeepsThePausedSpanAsBlackAndSilence(@TempDir Path tmp) throws Exception {
    Recorded r = record(tmp, PauseMode.GAP);
    assertThat(Probe.info(r.mp4()).get("format").get("duration").asDouble()).isCloseTo(8.0, within(0.1));
    assertThat(secondsShown(r.mp4())).containsExactly(-1, 0, 1, 2, 5, 6, 7);
    for (Probe.Luma l : Probe.lumaPerFrame(r.mp4())) {
      if (l.seconds() >= 3.05 && l.seconds() < 4.95) {
        assertThat(l.mean()).as("picture at %.2f s", l.seconds()).isLessThan(20);
      }
    }
    assertThat(Probe.maxVolumeDb(r.mp4(), 3.05, 1.9)).as("silence where it was paused").isLessThan(-60);
    assertThat(Probe.maxVolumeDb(r.mp4(), 0, 8)).as("never the noise").isLessThan(-20);
    assertThat(r.session().info().getDetails()).endsWith("paused 2.0 s in 1 span (gap)");
  }

  /**
   * A cut that falls between frames (pause 13 ms after a frame, resume 17 ms before one): the flash
   * and the beep stay together after it. The cut lasts whole frame periods, so the pictures after it
   * keep their place against the frame grid (cut to any length, the rounding moved them up to half
   * a frame against the sound: 19.8 ms here before).
   */
  @Test
  void soundAndPicturesStayTogetherAcrossACut(@TempDir Path tmp) throws Exception {
    Started started = Started.start(tmp, "EG_sync", "sync.mp4");
    DrivenSource source = started.source();
    source.pushFlashing(0, 3 * FPS);
    source.now = 3.013;
    started.runner().pause(PauseMode.CUT);
    source.pushFlashing(3 * FPS, 5 * FPS);
    source.now = 4.983;
    started.runner().resume();
    source.pushFlashing(5 * FPS, 9 * FPS);
    started.stopAndAwait();
    var sync = io.egressjava.media.ffmpeg.SyncAnalyzer.analyze(started.root().resolve("sync.mp4"));
    System.out.println("sync across a cut: " + sync);
    assertThat(sync.pairs()).hasSizeGreaterThanOrEqualTo(6);
    assertThat(sync.maxAbsOffset()).as("beep - flash, %s", sync).isLessThanOrEqualTo(0.005);
  }

  /**
   * Consent before the first frame: a room composite asked for with a JSON layout that starts it
   * paused records nothing until it is resumed; the page is given the layout's name.
   */
  @Test
  void aJsonLayoutInTheRequestStartsItPaused(@TempDir Path tmp) throws Exception {
    Started started = Started.startComposite(tmp, "EG_consent", "consent.mp4",
        "{\"layout\":\"speaker\",\"paused\":true,\"exclude\":[\"carol\"]}");
    assertThat(started.session().info().getDetails()).startsWith("paused (cut) since ").endsWith("; excluding identity:carol");
    DrivenSource source = started.source();
    source.push(0, 2 * FPS, true);
    assertThat(started.runner().resume()).isTrue();
    source.push(2 * FPS, 5 * FPS, false);
    started.stopAndAwait();
    Path mp4 = started.root().resolve("consent.mp4");
    assertThat(Probe.info(mp4).get("format").get("duration").asDouble()).isCloseTo(3.0, within(0.1));
    assertThat(secondsShown(mp4)).containsExactly(2, 3, 4);
    assertThat(Probe.maxVolumeDb(mp4, 0, 3)).as("nothing from before the resume").isLessThan(-20);
  }

  @Test
  void theManifestListsThePause(@TempDir Path tmp) throws Exception {
    Recorded r = record(tmp, PauseMode.CUT);
    var json = new ObjectMapper().readTree(Files.readString(r.root().resolve("EG_pause.json")));
    var pause = json.get("paused").get(0);
    assertThat(pause.get("mode").asText()).isEqualTo("cut");
    assertThat(pause.get("ended_at").asLong()).isGreaterThan(pause.get("started_at").asLong());
    assertThat(pause.get("started_at").asLong()).isGreaterThanOrEqualTo(json.get("started_at").asLong());
  }
}
