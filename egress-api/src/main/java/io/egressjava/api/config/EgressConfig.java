package io.egressjava.api.config;

import io.egressjava.api.config.ServiceSettings.AudioTempoController;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.config.ServiceSettings.Debug;
import io.egressjava.api.config.ServiceSettings.Latency;
import io.egressjava.api.config.ServiceSettings.Logging;
import io.egressjava.api.config.ServiceSettings.Redis;
import io.egressjava.api.config.ServiceSettings.S3AssumeRole;
import io.egressjava.api.config.ServiceSettings.SessionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The egress configuration, with the reference's YAML keys (see docs/configuration.md and
 * {@link EgressConfigLoader}). {@code storage} and {@code backup} are null when not configured.
 *
 * @param mixRoomCompositeAudio {@code room_composite_audio} (egress-java): {@code room} (default)
 *     mixes a room composite's sound from the room's tracks, placed to match the picture Chrome
 *     shows; {@code page} captures the page's sound through PulseAudio, as the reference does
 * @param nativeRoomComposite {@code room_composite_renderer} (egress-java): {@code native} (default)
 *     composes room composites on the built-in layouts from the room's tracks without a browser;
 *     {@code chrome} renders them in Chrome, as the reference does (a custom page always uses Chrome)
 * @param economyRoomCompositeEncoding {@code room_composite_encoding} (egress-java): {@code economy}
 *     (default) encodes a room composite's H.264 with x264 veryfast but superfast's motion search
 *     (diamond, subpixel refinement 1): a third less encoder CPU for about 0.5 dB less PSNR at the
 *     same bitrate (bench/x264-settings.sh); {@code standard}: veryfast, as every other egress and
 *     the reference
 * @param egressesPerHandler {@code egresses_per_handler} (egress-java): how many egresses without a
 *     browser one handler process may run at once (1: a process per egress, as the reference); a
 *     crash or kill of a handler fails at most this many egresses
 * @param trackEgressesPerHandler {@code track_egresses_per_handler} (egress-java): the same for
 *     track egresses (passthrough: no decoder or encoder, little memory), which count as that
 *     fraction of a handler; mixed, a handler holds e.g. half its track egresses and half its others
 * @param tmpDir {@code tmp_dir}: where egresses write before upload, one directory each
 *     ({@code <tmp_dir>/<egress id>}) — the spool: what a process that died had recorded is found
 *     and finished from here, also after a restart, so on Kubernetes it belongs on a volume that
 *     outlives the pod's containers (default: {@code egress-java} in the JVM's temp directory)
 * @param tmpDirMinFreeMb {@code tmp_dir_min_free_mb} (egress-java): when the spool's file system has
 *     less free than this, the egress with the most in the spool ends LIMIT_REACHED with what it
 *     recorded, so the others go on and its own files can still be finalized (0: never)
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
    Debug debug,
    boolean mixRoomCompositeAudio,
    boolean nativeRoomComposite,
    boolean economyRoomCompositeEncoding,
    int egressesPerHandler,
    int trackEgressesPerHandler,
    Path tmpDir,
    long tmpDirMinFreeMb) {

  /**
   * Whether room composites render with the built-in templates (no {@code template_base}): those
   * take the room's sound from the egress ({@code room_composite_audio: room}) and report to it.
   */
  public boolean builtInTemplates() {
    return templateBase.equals("http://localhost:" + templatePort + "/");
  }

  /**
   * Whether a room composite (or template) request of these fields is composed without a browser:
   * pictures on a built-in layout, their sound (if any) mixed from the room's tracks. The planner and
   * the renderer decide the same from the plan; admission asks before there is one.
   */
  public boolean composesNatively(boolean audioOnly, boolean videoOnly, String customBaseUrl) {
    boolean soundFromRoom = mixRoomCompositeAudio && !apiKey.isEmpty() && !apiSecret.isEmpty();
    return nativeRoomComposite && builtInTemplates() && customBaseUrl.isEmpty() && !audioOnly
        && (videoOnly || soundFromRoom);
  }
}
