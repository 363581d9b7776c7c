package io.egressjava.webrtc.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.plan.EgressToken;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.webrtc.RoomSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JavaPublisher (libwebrtc) publishes into a real livekit-server; our own receiver subscribes as a
 * hidden recorder and gets whole frames of every track.
 */
@ExtendWith(LiveKitRig.class)
class JavaPublisherNetnsIT {

  @Test
  void publishesVp8SimulcastAndOpus(LiveKitRig rig) throws Exception {
    String room = "jpub-" + System.nanoTime();
    long t0 = System.nanoTime();
    try (JavaPublisher pub = JavaPublisher.builder(rig.livekit().wsUrl(), token(room))
        .video("camera", VideoCodec.VP8, 1280, 720, true)
        .audio("microphone")
        .build()) {
      List<LivekitModels.TrackInfo> tracks = pub.start();
      System.out.printf("published in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000,
          tracks.stream().map(t -> t.getSid() + " " + t.getName()).toList());
      assertThat(tracks).extracting(LivekitModels.TrackInfo::getType)
          .containsExactlyInAnyOrder(LivekitModels.TrackType.VIDEO, LivekitModels.TrackType.AUDIO);
      assertThat(tracks).filteredOn(t -> t.getType() == LivekitModels.TrackType.VIDEO).singleElement()
          .satisfies(t -> assertThat(t.getCodecs(0).getLayersList()).extracting(LivekitModels.VideoLayer::getWidth)
              .containsExactly(320, 640, 1280));

      // the SFU starts a subscriber on a low layer and moves up once it sees the bandwidth
      Received got = receive(rig, room, tracks, 5,
          r -> r.vp8KeyFrameSizes.contains("1280x720") && settledOpus(r.opus).size() >= 150, pub);
      System.out.println("pushed " + pub.framesPushed() + " frames, " + pub.audioChunksPushed() + " audio chunks");
      assertThat(got.codecs.values()).containsExactlyInAnyOrder("vp8", "opus");
      got.codecs.forEach((sid, codec) -> assertThat(got.frames.get(sid).get()).as(codec)
          .isGreaterThan(codec.equals("vp8") ? 120 : 200));
      // which layer the SFU ends on depends on how fast libwebrtc's bandwidth estimate lets the publisher
      // send 720p ("limit=bandwidth" in its sender stats); on a loaded 2-core machine that can take
      // longer than the test. The top-layer property is checked with the Go-SDK simulcast publisher
      // (TrackEgressNetnsIT); here the forwarded key frames must be simulcast layers of this track.
      assertThat(got.vp8KeyFrameSizes).as("forwarded layers").isNotEmpty()
          .allSatisfy(size -> assertThat(size).isIn("320x180", "640x360", "1280x720"));
      assertBeepsOncePerSecond(got.opus);
    }
  }

  @Test
  void publishesVp9AndH264Tracks(LiveKitRig rig) throws Exception {
    String room = "jpub-" + System.nanoTime();
    try (JavaPublisher pub = JavaPublisher.builder(rig.livekit().wsUrl(), token(room))
        .video("vp9", VideoCodec.VP9, 640, 360, false)
        .video("h264", VideoCodec.H264, 640, 360, false)
        .build()) {
      List<LivekitModels.TrackInfo> tracks = pub.start();
      Received got = receive(rig, room, tracks, 4, r -> true, pub);
      assertThat(got.codecs.values()).containsExactlyInAnyOrder("vp9", "h264");
      got.codecs.forEach((sid, codec) -> assertThat(got.frames.get(sid).get()).as(codec).isGreaterThan(90));
    }
  }

  private static String token(String room) {
    return PublisherToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "java-pub", room);
  }

  /** What our receiver got: frames per track SID, codecs, VP8 key frame sizes, Opus (timestamp, size). */
  private record Received(Map<String, AtomicLong> frames, Map<String, String> codecs, Set<String> vp8KeyFrameSizes,
      List<long[]> opus) {}

  /** Subscribes to {@code tracks} for {@code seconds}, longer (up to three times) until {@code until} holds. */
  private static Received receive(LiveKitRig rig, String room, List<LivekitModels.TrackInfo> tracks, int seconds,
      Predicate<Received> until, JavaPublisher pub) throws Exception {
    Received got = new Received(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet(),
        new CopyOnWriteArrayList<>());
    String token = EgressToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "EG_jpub", room, Instant.now());
    try (RoomSubscriber sub = RoomSubscriber.join(rig.livekit().wsUrl(), token, new RoomSubscriber.Listener() {
      @Override
      public void onFrame(String trackSid, String codec, EncodedFrame frame) {
        got.frames.computeIfAbsent(trackSid, k -> new AtomicLong()).incrementAndGet();
        got.codecs.put(trackSid, codec);
        if (codec.equals("vp8") && frame.keyFrame()) {
          got.vp8KeyFrameSizes.add(vp8KeyFrameSize(frame.data()));
        }
        if (codec.equals("opus")) {
          got.opus.add(new long[] {frame.rtpTimestamp(), frame.data().length});
        }
      }
    }, null, Duration.ofSeconds(10))) {
      sub.subscribe(tracks.stream().map(LivekitModels.TrackInfo::getSid).toArray(String[]::new));
      for (int i = 0; i < seconds || (i < 3 * seconds && !until.test(got)); i++) {
        Thread.sleep(1000);
        System.out.println("sender " + pub.senderStats());
      }
    }
    System.out.println("received frames " + got.frames + " codecs " + got.codecs + " VP8 key frames " + got.vp8KeyFrameSizes);
    return got;
  }

  /**
   * The last three seconds of Opus packets (timestamp, size) after libwebrtc's encoder settled:
   * from its first packet of the silent size (the smallest), since the encoder needs a while after
   * the start before silence shrinks to 3-byte packets — a second or two, longer on a loaded machine.
   */
  private static List<long[]> settledOpus(List<long[]> opus) {
    if (opus.isEmpty()) {
      return List.of();
    }
    long silent = opus.stream().mapToLong(p -> p[1]).min().getAsLong();
    long from = opus.stream().filter(p -> p[1] == silent).findFirst().get()[0];
    long last = opus.get(opus.size() - 1)[0];
    return opus.stream().filter(p -> p[0] >= from && last - p[0] < 3 * 48_000).toList();
  }

  /**
   * The beep is the only sound: Opus packets much larger than the silent ones (3 bytes) must fall
   * into one short window of every second (48000 ticks): the beep's 100 ms, plus a packet or two
   * that its edges spill into (20 ms packets do not start on the beep, the encoder looks ahead).
   * Only the last three settled seconds count ({@link #settledOpus}).
   */
  private static void assertBeepsOncePerSecond(List<long[]> opus) {
    long last = opus.get(opus.size() - 1)[0];
    List<long[]> settled = settledOpus(opus);
    assertThat(settled).as("settled Opus packets (3 s of 20 ms)").hasSizeGreaterThanOrEqualTo(150);
    long median = settled.stream().map(p -> p[1]).sorted().toList().get(settled.size() / 2);
    List<Long> phases = settled.stream().filter(p -> p[1] > 3 * median)
        .map(p -> Math.floorMod(p[0] - last, 48_000L)).sorted().distinct().toList();
    System.out.println("opus: median " + median + " bytes; loud packets at " + phases + " ticks into the second");
    assertThat(phases).hasSizeGreaterThanOrEqualTo(5);
    long largestGap = 48_000 - phases.get(phases.size() - 1) + phases.get(0);
    for (int i = 1; i < phases.size(); i++) {
      largestGap = Math.max(largestGap, phases.get(i) - phases.get(i - 1));
    }
    assertThat(48_000 - largestGap).as("span of the loud packets' starts in a second, 48 kHz ticks")
        .isLessThanOrEqualTo(8 * 960);
  }

  /** Width x height from a VP8 key frame header (RFC 6386 §9.1). */
  static String vp8KeyFrameSize(byte[] f) {
    if (f.length < 10 || (f[0] & 1) != 0 || (f[3] & 0xFF) != 0x9d || (f[4] & 0xFF) != 0x01 || (f[5] & 0xFF) != 0x2a) {
      return "?";
    }
    int w = ((f[6] & 0xFF) | (f[7] & 0xFF) << 8) & 0x3FFF;
    int h = ((f[8] & 0xFF) | (f[9] & 0xFF) << 8) & 0x3FFF;
    return w + "x" + h;
  }
}
