package io.egressjava.examples.embedded;

import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.plan.EgressToken;
import io.egressjava.webrtc.RoomSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import livekit.LivekitModels;

/**
 * The room receiver in your own code (module egress-webrtc: no FFmpeg, no storage): joins a room as
 * a hidden subscriber, subscribes to every track published, and counts the whole encoded frames
 * (and key frames) it is handed per track. Where this counts, your code would decode, forward or
 * analyse.
 *
 * <p>Usage: RoomFrames ws_url api_key api_secret room [seconds, default 10]
 */
public final class RoomFrames {
  private RoomFrames() {}

  /** What one track delivered. */
  public record Counts(String codec, long frames, long keyFrames, long bytes) {}

  public static void main(String[] args) throws Exception {
    Map<String, Counts> counts = receive(args[0], args[1], args[2], args[3], Duration.ofSeconds(args.length > 4
        ? Integer.parseInt(args[4]) : 10));
    counts.forEach((track, c) -> System.out.printf("%s %s: %d frames (%d key frames), %d bytes%n", track, c.codec(),
        c.frames(), c.keyFrames(), c.bytes()));
  }

  /** Receives every track of {@code room} for {@code duration}; counts per track SID. */
  public static Map<String, Counts> receive(String wsUrl, String apiKey, String apiSecret, String room, Duration duration)
      throws Exception {
    Map<String, String> codecs = new ConcurrentHashMap<>();
    Map<String, AtomicLong[]> seen = new ConcurrentHashMap<>();
    Set<String> asked = ConcurrentHashMap.newKeySet();
    // a hidden recorder's token, as an egress has (EgressToken); any token that may subscribe works
    String token = EgressToken.mint(apiKey, apiSecret, "room-frames-" + System.nanoTime(), room, Instant.now());
    RoomSubscriber.Listener listener = new RoomSubscriber.Listener() {
      @Override
      public void onFrame(String trackSid, String codec, EncodedFrame frame) {
        codecs.putIfAbsent(trackSid, codec);
        AtomicLong[] c = seen.computeIfAbsent(trackSid, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
        c[0].incrementAndGet();
        if (frame.keyFrame()) {
          c[1].incrementAndGet();
        }
        c[2].addAndGet(frame.data().length);
      }
    };
    try (RoomSubscriber subscriber = RoomSubscriber.join(wsUrl, token, listener, null, Duration.ofSeconds(20))) {
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        Set<String> fresh = new HashSet<>();
        for (LivekitModels.ParticipantInfo p : subscriber.participants()) {
          p.getTracksList().forEach(t -> {
            if (asked.add(t.getSid())) {
              fresh.add(t.getSid());
            }
          });
        }
        if (!fresh.isEmpty()) {
          subscriber.subscribe(fresh.toArray(String[]::new)); // tracks published later are taken too
        }
        Thread.sleep(100);
      }
    }
    Map<String, Counts> out = new TreeMap<>();
    seen.forEach((track, c) -> out.put(track, new Counts(codecs.get(track), c[0].get(), c[1].get(), c[2].get())));
    return out;
  }
}
