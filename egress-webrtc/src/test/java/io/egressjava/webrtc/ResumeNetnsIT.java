package io.egressjava.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.plan.EgressToken;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.Probe;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signalling socket drops in the middle of a recording, {@value #RUNS} times in a row: each time
 * we resume, livekit-server restarts ICE, and the media must be back within 2 s (a recording that
 * lost its media after a signalling blip once stayed silent until the server dropped it).
 * {@code -Dresume.runs=N} changes the count.
 */
@ExtendWith(LiveKitRig.class)
class ResumeNetnsIT {
  static final int RUNS = 20;
  private static final double BAR_SECONDS = 2.0;

  @Test
  void mediaComesBackWithinTwoSecondsOfEveryResume(LiveKitRig rig, @TempDir Path dir) throws Exception {
    int runs = Integer.getInteger("resume.runs", RUNS);
    Path audio = dir.resolve("a.ogg");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(runs * 6 + 30), "-ac", "2", "-c:a", "libopus", "-b:a",
        "32k", audio.toString()));
    Path video = dir.resolve("v.ivf");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=s=320x180:r=30", "-t", String.valueOf(runs * 6 + 30), "-c:v", "libvpx", "-b:v", "300k", "-g", "60",
        "-deadline", "realtime", "-cpu-used", "8", video.toString()));
    String room = "resume-" + System.nanoTime();
    try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "pub", false, video, audio)) {
      ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
      String token = EgressToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "EG_resume", room, Instant.now());
      try (RoomSubscriber sub = RoomSubscriber.join(rig.livekit().wsUrl(), token, new RoomSubscriber.Listener() {
        @Override
        public void onFrame(String trackSid, String codec, EncodedFrame frame) {
          if (codec.equals("opus")) {
            arrivals.add(System.nanoTime());
          }
        }
      }, null, Duration.ofSeconds(10))) {
        List<String> sids = List.of();
        for (int i = 0; i < 100 && sids.size() < 2; i++) {
          sids = sub.participants().stream().flatMap(p -> p.getTracksList().stream()).map(LivekitModels.TrackInfo::getSid).toList();
          Thread.sleep(sids.size() < 2 ? 100 : 0);
        }
        sub.subscribe(sids.toArray(String[]::new));
        Thread.sleep(2_000);
        assertThat(arrivals).as("audio before any drop").hasSizeGreaterThan(50);
        List<Double> worst = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
          long dropAt = System.nanoTime();
          sub.dropSignalConnection();
          int want = run;
          for (int i = 0; i < 100 && sub.resumes() < want; i++) {
            Thread.sleep(50);
          }
          assertThat(sub.resumes()).as("resumed, run %d", run).isEqualTo(run);
          Thread.sleep(4_000);
          // the longest silence from the drop on, until now (frames arrive every 20 ms otherwise)
          long last = dropAt;
          long longest = 0;
          for (long t : arrivals) {
            if (t > dropAt) {
              longest = Math.max(longest, t - last);
              last = t;
            }
          }
          longest = Math.max(longest, System.nanoTime() - last);
          worst.add(longest / 1e9);
          System.out.printf(Locale.ROOT, "resume %d: longest silence %.0f ms%n", run, longest / 1e6);
          assertThat(longest / 1e9).as("run %d: seconds without media around the resume (all so far: %s)", run, worst)
              .isLessThan(BAR_SECONDS);
        }
        System.out.println("resumes: longest silence per run (s) " + worst);
      }
    }
  }
}
