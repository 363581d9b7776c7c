package io.egressjava.pipeline;

import io.egressjava.core.metrics.BucketHistogram;
import io.egressjava.core.metrics.EgressMetrics;
import io.egressjava.core.metrics.MetricFamilies;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.storage.EgressStorage;
import java.util.Locale;

/**
 * Uploads into the egress's metrics with the reference's names and labels: uploads and their
 * response times by type (file, segment, playlist, liveplaylist, manifest, image) and status
 * (success, failure), backup storage writes by output type; then bytes and retries.
 */
final class UploadMetrics implements EgressStorage.UploadObserver {
  private final EgressMetrics metrics;
  private final String livePlaylistPath;

  UploadMetrics(EgressMetrics metrics, EgressPlan plan) {
    this.metrics = metrics;
    this.livePlaylistPath = plan.segments() == null ? "" : plan.segments().names().livePlaylistPath();
  }

  @Override
  public void uploaded(String storagePath, String contentType, boolean success, double millis, long bytes, long retries,
      boolean backup) {
    String type = type(storagePath, contentType);
    String status = success ? "success" : "failure";
    metrics.counter(MetricFamilies.PIPELINE_UPLOADS, "type", type, "status", status).inc();
    metrics.histogram(MetricFamilies.UPLOAD_RESPONSE_TIME, BucketHistogram.MILLIS, "type", type, "status", status)
        .observe(millis);
    if (backup && success) {
      metrics.counter(MetricFamilies.BACKUP_STORAGE_WRITES, "output_type", type).inc();
    }
    metrics.counter(MetricFamilies.UPLOAD_BYTES).inc(bytes);
    metrics.counter(MetricFamilies.UPLOAD_RETRIES).inc(retries);
  }

  private String type(String storagePath, String contentType) {
    String path = storagePath.toLowerCase(Locale.ROOT);
    if (path.endsWith(".m3u8")) {
      return !livePlaylistPath.isEmpty() && storagePath.equals(livePlaylistPath) ? "liveplaylist" : "playlist";
    }
    if (path.endsWith(".ts") || path.endsWith(".m4s")) {
      return "segment";
    }
    if (path.endsWith(".json")) {
      return "manifest";
    }
    if (contentType != null && contentType.startsWith("image/")) {
      return "image";
    }
    return "file";
  }
}
