package io.egressjava.source.room.media;

import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.webrtc.RoomConnection;
import io.egressjava.webrtc.TrackReceiver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Per received track: bytes, packets and losses as counters and the bit rate as a gauge. A track
 * may come over several SSRCs (simulcast layers switched by the SFU); its metrics sum them.
 */
public final class SubscriberMetrics {
  private SubscriberMetrics() {}

  /** Registers each track of {@code room}'s connection as it appears (checked at every collection). */
  public static void register(EgressMetrics metrics, Supplier<? extends RoomConnection> room) {
    Set<String> registered = ConcurrentHashMap.newKeySet();
    metrics.beforeCollect(() -> {
      RoomConnection r = room.get();
      if (r == null) {
        return;
      }
      for (TrackReceiver t : r.receivers().values()) {
        String sid = t.trackSid();
        if (registered.add(sid)) {
          String[] labels = {"track", sid, "kind", t.kind()};
          metrics.total(MetricFamilies.INPUT_BYTES, () -> sum(room, sid, TrackReceiver::bytes), labels);
          metrics.total(MetricFamilies.INPUT_PACKETS, () -> sum(room, sid, TrackReceiver::packets), labels);
          metrics.total(MetricFamilies.INPUT_PACKETS_LOST, () -> sum(room, sid, TrackReceiver::lost), labels);
          metrics.rate(MetricFamilies.INPUT_BITRATE, () -> sum(room, sid, TrackReceiver::bytes), t::firstPacketNanos, 8, labels);
        }
      }
    });
  }

  private static long sum(Supplier<? extends RoomConnection> room, String sid, ToLongFunction<TrackReceiver> count) {
    RoomConnection r = room.get();
    if (r == null) {
      return 0;
    }
    long n = 0;
    for (Map.Entry<Long, TrackReceiver> e : r.receivers().entrySet()) {
      if (e.getValue().trackSid().equals(sid)) {
        n += count.applyAsLong(e.getValue());
      }
    }
    return n;
  }
}
