package io.egressjava.api.config;

import io.egressjava.api.config.ServiceSettings.AudioTempoController;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.config.ServiceSettings.Debug;
import io.egressjava.api.config.ServiceSettings.Latency;
import io.egressjava.api.config.ServiceSettings.Logging;
import io.egressjava.api.config.ServiceSettings.Redis;
import io.egressjava.api.config.ServiceSettings.S3AssumeRole;
import io.egressjava.api.config.ServiceSettings.SessionLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The egress configuration, with the reference's YAML keys (see docs/configuration.md and
 * {@link EgressConfigLoader}). {@code storage} and {@code backup} are null when not configured.
 */
public record EgressConfig(
    String apiKey,
    String apiSecret,
    String wsUrl,
    Redis redis,
    String clusterId,
    int healthPort,
    int prometheusPort,
    int debugHandlerPort,
    String bindAddress,
    int templatePort,
    String templateBase,
    Logging logging,
    boolean insecure,
    boolean enableChromeSandbox,
    Map<String, String> chromeFlags,
    List<String> webUrlAllowlist,
    StorageConfig storage,
    StorageConfig backup,
    boolean disallowLocalStorage,
    int maxUploadQueueMinutes,
    SessionLimits sessionLimits,
    CpuCost cpuCost,
    Duration ioCreateTimeout,
    Duration ioUpdateTimeout,
    Duration ioSelectionTimeout,
    int ioWorkers,
    S3AssumeRole s3AssumeRole,
    Latency latency,
    int videoEncoderThreads,
    boolean enableSyncEngine,
    AudioTempoController audioTempoController,
    int pulseSinkReapGraceSec,
    Debug debug) {}
