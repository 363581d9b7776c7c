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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Our receiver joins a real livekit-server as a hidden subscriber and gets whole frames. */
@ExtendWith(LiveKitRig.class)
class RoomSubscriberNetnsIT {
  private static Path media;

  @BeforeAll
  static void encodeMedia(@TempDir Path dir) throws Exception {
    media = dir;
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-t", "20", "-c:v", "libvpx", "-b:v", "500k", "-g", "60",
        "-deadline", "realtime", "-cpu-used", "8", dir.resolve("v.ivf").toString());
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "20", "-ac", "2", "-c:a", "libopus",
        "-b:a", "48k", dir.resolve("a.ogg").toString());
  }

  private static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-y", "-v", "error"));
    cmd.addAll(List.of(args));
    String log = Probe.run(cmd);
    assertThat(Path.of(args[args.length - 1])).as(log).exists();
  }

  @Test
  void receivesWholeFramesOfEveryTrack(LiveKitRig rig) throws Exception {
    String room = "sub-" + System.nanoTime();
    try (FilePublisher pub = FilePublisher.start(rig.livekit(), room, "pub", false, media.resolve("v.ivf"), media.resolve("a.ogg"))) {
      Map<String, AtomicLong> frames = new ConcurrentHashMap<>();
      Map<String, AtomicLong> keys = new ConcurrentHashMap<>();
      Map<String, String> codecs = new ConcurrentHashMap<>();
      java.util.Set<String> ended = ConcurrentHashMap.newKeySet();
      String token = EgressToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "EG_sub", room, Instant.now());
      long t0 = System.nanoTime();
      try (RoomSubscriber sub = RoomSubscriber.join(rig.livekit().wsUrl(), token, new RoomSubscriber.Listener() {
        @Override
        public void onFrame(String trackSid, String codec, EncodedFrame frame) {
          frames.computeIfAbsent(trackSid, k -> new AtomicLong()).incrementAndGet();
          if (frame.keyFrame()) {
            keys.computeIfAbsent(trackSid, k -> new AtomicLong()).incrementAndGet();
          }
          codecs.put(trackSid, codec);
        }

        @Override
        public void onTrackEnded(String trackSid, String reason) {
          ended.add(trackSid);
        }
      }, null, Duration.ofSeconds(10))) {
        System.out.printf("connected in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        List<String> sids = List.of();
        for (int i = 0; i < 100 && sids.size() < 2; i++) { // the publisher's tracks arrive in participant updates
          sids = sub.participants().stream().flatMap(p -> p.getTracksList().stream()).map(LivekitModels.TrackInfo::getSid).toList();
          Thread.sleep(sids.size() < 2 ? 100 : 0);
        }
        assertThat(sids).hasSize(2);
        sub.subscribe(sids.toArray(String[]::new));
        Thread.sleep(5000);
        System.out.println("frames " + frames + " keys " + keys + " codecs " + codecs + " receivers "
            + sub.receivers().values().stream().map(r -> r.trackSid() + ":" + r.packets() + "/" + r.plis()).toList());
        assertThat(codecs.values()).containsExactlyInAnyOrder("vp8", "opus");
        codecs.forEach((sid, codec) -> assertThat(frames.get(sid).get()).as(codec).isGreaterThan(codec.equals("vp8") ? 90 : 200));

        // the signalling socket drops: media keeps flowing while we resume, and events still arrive after
        Map<String, Long> before = new java.util.HashMap<>();
        frames.forEach((sid, n) -> before.put(sid, n.get()));
        sub.dropSignalConnection();
        for (int i = 0; i < 100 && sub.resumes() == 0; i++) {
          Thread.sleep(100);
        }
        assertThat(sub.resumes()).as("resumed").isEqualTo(1);
        // the server restarts ICE after a resume: media pauses until it nominates again (usually
        // under 2 s; once ~5 s on a loaded machine), then flows on the same DTLS association
        long resumedAt = System.nanoTime();
        java.util.function.BooleanSupplier flowing = () -> frames.entrySet().stream().allMatch(e ->
            e.getValue().get() - before.get(e.getKey()) > (codecs.get(e.getKey()).equals("vp8") ? 60 : 100));
        for (int i = 0; i < 150 && !flowing.getAsBoolean(); i++) {
          Thread.sleep(100);
        }
        System.out.printf("media flowed again: %d ms after the resume for 100 audio / 60 video frames%n",
            (System.nanoTime() - resumedAt) / 1_000_000);
        frames.forEach((sid, n) -> assertThat(n.get() - before.get(sid)).as("frames of %s across the resume", codecs.get(sid))
            .isGreaterThan(codecs.get(sid).equals("vp8") ? 60 : 100));
        pub.close();
        for (int i = 0; i < 100 && ended.size() < 2; i++) {
          Thread.sleep(100);
        }
        assertThat(ended).as("tracks ended after the publisher left (seen on the resumed connection)")
            .containsExactlyInAnyOrderElementsOf(codecs.keySet());
      }
    }
  }
}
