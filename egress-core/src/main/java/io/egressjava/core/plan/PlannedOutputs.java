package io.egressjava.core.plan;

import io.egressjava.api.config.StorageConfig;
import io.egressjava.core.naming.OutputNames;
import java.time.Duration;
import java.util.List;

/** The outputs of a plan, each already validated and named. */
public final class PlannedOutputs {
  private PlannedOutputs() {}

  /**
   * A file. {@code type} is {@link OutputType#UNKNOWN_FILE} for track egress until the track's codec
   * is known; {@code template} is the cleaned request path, which the source resolves again once it
   * knows publisher and track placeholders.
   */
  public record FileOutput(OutputType type, String template, String storagePath, boolean disableManifest, StorageConfig storage) {
    public FileOutput withType(OutputType t, String path) {
      return new FileOutput(t, template, path, disableManifest, storage);
    }
  }

  /** HLS: names, segment duration in seconds, INDEX or TIMESTAMP segment names. */
  public record SegmentOutput(OutputNames.SegmentNames names, int segmentDurationSeconds, boolean timestampSuffix,
      boolean disableManifest, StorageConfig storage) {
    public SegmentOutput withSegmentDuration(int seconds) {
      return new SegmentOutput(names, seconds, timestampSuffix, disableManifest, storage);
    }
  }

  /** RTMP(S), SRT or websocket (type RAW) destinations. */
  public record StreamOutput(OutputType type, List<StreamUrls.StreamTarget> targets) {}

  public enum ImageSuffix { INDEX, TIMESTAMP, NONE_OVERWRITE }

  /** JPEG thumbnails; width/height 0 means "the source's size", filled by the source. */
  public record ImageOutput(OutputNames.ImageNames names, String filenamePrefix, Duration captureInterval, int width,
      int height, ImageSuffix suffix, boolean disableManifest, StorageConfig storage) {}
}
