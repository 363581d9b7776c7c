package io.egressjava.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Smaller config sections, grouped here because each is a plain value record. */
public final class ServiceSettings {
  private ServiceSettings() {}

  public record Tls(boolean enabled, boolean insecure, String serverName, String caCertFile,
      String clientCertFile, String clientKeyFile) {}

  public record Redis(
      String address,
      String username,
      String password,
      int db,
      boolean useTls,
      Tls tls,
      String sentinelMasterName,
      String sentinelUsername,
      String sentinelPassword,
      List<String> sentinelAddresses,
      List<String> clusterAddresses,
      int dialTimeoutMs,
      int readTimeoutMs,
      int writeTimeoutMs,
      int maxRedirects,
      Duration poolTimeout,
      int poolSize) {

    public boolean isConfigured() {
      return !address.isEmpty() || !sentinelAddresses.isEmpty() || !clusterAddresses.isEmpty();
    }
  }

  public record Logging(String level, boolean json, boolean sample, Map<String, String> componentLevels,
      int itemSampleSeconds, int itemSampleInitial, int itemSampleInterval) {}

  /** 0 means no limit. */
  public record SessionLimits(Duration fileOutputMaxDuration, long fileOutputMaxSize,
      Duration streamOutputMaxDuration, Duration segmentOutputMaxDuration, Duration imageOutputMaxDuration) {
    public static final SessionLimits NONE =
        new SessionLimits(Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /** Admission costs in CPU cores (memory in GB), defaults as the reference (protocol.md §4.3). */
  public record CpuCost(
      double maxCpuUtilization,
      double maxMemory,
      double memoryCost,
      double roomCompositeCpuCost,
      /** A room composite composed without a browser (ours only: the reference has no such renderer). */
      double nativeRoomCompositeCpuCost,
      double audioRoomCompositeCpuCost,
      double sdkAudioRoomCompositeCpuCost,
      double sdkAudioRoomCompositeMemoryCost,
      double webCpuCost,
      double audioWebCpuCost,
      double participantCpuCost,
      double trackCompositeCpuCost,
      double trackCpuCost,
      int maxPulseClients,
      String memorySource,
      int memoryKillGraceSec,
      int cpuKillGraceSec) {}

  public record Latency(Duration jitterBufferLatency, Duration audioMixerLatency, Duration pipelineLatency,
      Duration oldPacketThreshold, Duration rtpMaxAllowedTsDiff, Duration rtpMaxDriftAdjustment,
      double rtpDriftAdjustmentWindowPercent) {}

  public record Debug(boolean enableProfiling, boolean enableTrackLogging, boolean enableStreamLogging,
      boolean enableChromeLogging, StorageConfig storage) {}

  public record AudioTempoController(boolean enabled, double adjustmentRate) {}

  public record S3AssumeRole(String key, String secret, String arn, String externalId) {}
}
