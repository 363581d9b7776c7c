package io.egressjava.source.room.media;

import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.webrtc.RoomSubscriber;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import livekit.LivekitModels;

/**
 * What a room source counts besides its tracks' input: the frames waiting for the decode/encode
 * thread, and per participant with a camera the A/V offset its lip sync leaves (sound placement
 * minus picture placement against the publisher's clock; 0 once aligned).
 */
final class RoomMediaMetrics {
  private RoomMediaMetrics() {}

  static void register(EgressMetrics metrics, Supplier<RoomSubscriber> room, Map<String, TrackState> tracks,
      ThreadPoolExecutor decoding, ToDoubleFunction<String> soundAfterSender) {
    SubscriberMetrics.register(metrics, room);
    metrics.gauge(MetricFamilies.ENCODER_QUEUE, () -> decoding.getQueue().size());
    Set<String> registered = ConcurrentHashMap.newKeySet();
    metrics.beforeCollect(() -> {
      for (TrackState s : tracks.values()) {
        String identity = s.pick.participantIdentity();
        if (s.pick.track().getSource() == LivekitModels.TrackSource.CAMERA && registered.add(identity)) {
          metrics.gauge(MetricFamilies.AV_OFFSET, () -> avOffsetMillis(room.get(), tracks, identity, soundAfterSender),
              "participant", identity);
        }
      }
    });
  }

  /** NaN until both the sound and the picture have had a sender report. */
  private static double avOffsetMillis(RoomSubscriber room, Map<String, TrackState> tracks, String identity,
      ToDoubleFunction<String> soundAfterSender) {
    if (room == null) {
      return Double.NaN;
    }
    double picture = Double.NaN;
    for (TrackState s : tracks.values()) {
      if (s.pick.participantIdentity().equals(identity) && s.pick.track().getSource() == LivekitModels.TrackSource.CAMERA) {
        picture = s.placedAfterSender(room);
      }
    }
    return (soundAfterSender.applyAsDouble(identity) - picture) * 1000;
  }
}
