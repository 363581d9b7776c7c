package io.egressjava.pipeline;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What a pipeline counts: the source's input, and per output of the transcode graph its bytes, bit rate and fps. */
final class PipelineMetrics {
  private PipelineMetrics() {}

  /** @param graph null for passthrough (the source's counts are then the outputs') */
  static void register(EgressMetrics metrics, MediaSource source, TranscodeGraph graph, RawFeed feed, boolean video) {
    source.registerMetrics(metrics);
    if (graph == null) {
      return;
    }
    if (feed != null) {
      metrics.total(MetricFamilies.FRAMES_REPEATED, feed::repeatedFrames);
      metrics.gauge(MetricFamilies.AUDIO_LATE_DROPPED, feed::lateAudioSeconds);
    }
    Set<String> registered = ConcurrentHashMap.newKeySet();
    // outputs come and go (UpdateStream): each is registered when first seen
    metrics.beforeCollect(() -> graph.written().forEach((name, w) -> {
      if (registered.add(name)) {
        metrics.total(MetricFamilies.OUTPUT_BYTES, w::bytes, "output", name);
        metrics.rate(MetricFamilies.OUTPUT_BITRATE, w::bytes, w::startedNanos, 8, "output", name);
        if (video) {
          metrics.rate(MetricFamilies.OUTPUT_FPS, w::videoFrames, w::startedNanos, 1, "output", name);
        }
      }
    }));
  }
}
