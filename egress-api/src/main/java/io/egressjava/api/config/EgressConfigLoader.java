package io.egressjava.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.egressjava.api.config.ServiceSettings.AudioTempoController;
import io.egressjava.api.config.ServiceSettings.CpuCost;
import io.egressjava.api.config.ServiceSettings.Debug;
import io.egressjava.api.config.ServiceSettings.Latency;
import io.egressjava.api.config.ServiceSettings.Logging;
import io.egressjava.api.config.ServiceSettings.Redis;
import io.egressjava.api.config.ServiceSettings.S3AssumeRole;
import io.egressjava.api.config.ServiceSettings.SessionLimits;
import io.egressjava.api.config.ServiceSettings.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@link EgressConfig} from YAML with the reference's keys and defaults.
 *
 * <p>Sources, as the reference: {@code --config-body}/{@code EGRESS_CONFIG_BODY} wins over
 * {@code --config FILE}/{@code EGRESS_CONFIG_FILE}; {@code LIVEKIT_API_KEY},
 * {@code LIVEKIT_API_SECRET} and {@code LIVEKIT_WS_URL} fill keys the YAML leaves out.
 *
 * <p>Beyond the reference: a wrong type or value fails naming the key and what is allowed; unknown
 * keys produce a warning naming them (the reference ignores typos silently); the legacy keys of the
 * reference's README ({@code backup_storage}, {@code log_level}, top-level {@code s3}/{@code azure}/
 * {@code gcp}/{@code alioss}) still work, with a warning that names the replacement.
 */
public final class EgressConfigLoader {
  /**
   * Beyond the reference: URL patterns ({@code *} matches anything) that web egress URLs and custom
   * template base URLs must match. Empty (the default) allows any http(s) URL, as the reference does.
   */
  static List<String> webUrlAllowlist(ConfigNode root) {
    List<String> patterns = root.stringList("web_url_allowlist");
    for (String p : patterns) {
      if (!p.startsWith("http://") && !p.startsWith("https://")) {
        throw new ConfigException("config key 'web_url_allowlist': expected http:// or https:// URL patterns, got '" + p + "'");
      }
    }
    return List.copyOf(patterns);
  }

  private static final Logger log = LoggerFactory.getLogger(EgressConfigLoader.class);
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> LOG_LEVELS = List.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");

  /**
   * A loaded config, the warnings produced while reading it, and the YAML it came from (handed on
   * to handler processes).
   */
  public record Loaded(EgressConfig config, List<String> warnings, String body) {}

  private final List<String> warnings = new ArrayList<>();
  private final Map<String, String> env;

  private EgressConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /** Resolves the config source from command-line arguments and the environment, then loads it. */
  public static Loaded load(String[] args, Map<String, String> env) {
    String file = env.get("EGRESS_CONFIG_FILE");
    String body = env.get("EGRESS_CONFIG_BODY");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ((a.equals("--config") || a.equals("--config-body")) && i + 1 >= args.length) {
        throw new ConfigException(a + " needs a value");
      }
      if (a.equals("--config")) {
        file = args[++i];
      } else if (a.startsWith("--config=")) {
        file = a.substring("--config=".length());
      } else if (a.equals("--config-body")) {
        body = args[++i];
      } else if (a.startsWith("--config-body=")) {
        body = a.substring("--config-body=".length());
      }
    }
    if (body != null && !body.isBlank()) {
      return fromYaml(body, env);
    }
    if (file != null && !file.isBlank()) {
      try {
        return fromYaml(Files.readString(Path.of(file)), env);
      } catch (IOException e) {
        throw new ConfigException("could not read config file " + file + ": " + e.getMessage(), e);
      }
    }
    throw new ConfigException("missing config");
  }

  /** Loads a YAML document. Warnings are also logged. */
  public static Loaded fromYaml(String yaml, Map<String, String> env) {
    JsonNode root;
    try {
      root = yaml.isBlank() ? null : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException("could not parse config: " + e.getOriginalMessage(), e);
    }
    EgressConfigLoader loader = new EgressConfigLoader(env);
    EgressConfig config = loader.read(new ConfigNode("", root));
    loader.warnings.forEach(w -> log.warn(w));
    return new Loaded(config, List.copyOf(loader.warnings), yaml);
  }

  private EgressConfig read(ConfigNode root) {
    String apiKey = root.string("api_key", env.getOrDefault("LIVEKIT_API_KEY", ""));
    String apiSecret = root.string("api_secret", env.getOrDefault("LIVEKIT_API_SECRET", ""));
    String wsUrl = root.string("ws_url", env.getOrDefault("LIVEKIT_WS_URL", ""));
    Redis redis = redis(root.child("redis"));

    int templatePort = root.port("template_port", 0);
    if (templatePort == 0) {
      templatePort = 7980;
    }
    String templateBase = root.string("template_base", "");
    if (templateBase.isEmpty()) {
      templateBase = "http://localhost:" + templatePort + "/";
    }

    Logging logging = logging(root);
    StorageConfig storage = storage(root.child("storage"));
    StorageConfig legacyStorage = legacyTopLevelStorage(root);
    if (legacyStorage != null) {
      if (storage != null) {
        throw new ConfigException("config keys 'storage' and the legacy top-level s3/azure/gcp/alioss are both set: keep only 'storage'");
      }
      storage = legacyStorage;
    }
    StorageConfig backup = backup(root);

    int maxUploadQueue = root.integer("max_upload_queue", 0);
    Duration ioCreate = positiveOr(root.duration("io_create_timeout", Duration.ZERO), Duration.ofSeconds(15));
    Duration ioUpdate = positiveOr(root.duration("io_update_timeout", Duration.ZERO), Duration.ofSeconds(30));
    int ioWorkers = root.integer("io_workers", 0);

    ConfigNode tempo = root.child("audio_tempo_controller");
    boolean tempoEnabled = tempo.bool("enabled", false);
    double tempoRate = tempo.number("adjustment_rate", 0);
    if (tempoEnabled && (tempoRate <= 0 || tempoRate > 0.2)) {
      tempoRate = 0.05;
    }

    EgressConfig config = new EgressConfig(
        apiKey,
        apiSecret,
        wsUrl,
        redis,
        root.string("cluster_id", ""),
        root.port("health_port", 0),
        root.port("prometheus_port", 0),
        root.port("debug_handler_port", 0),
        root.string("bind_address", "0.0.0.0"),
        templatePort,
        templateBase,
        logging,
        root.bool("insecure", false),
        root.bool("enable_chrome_sandbox", false),
        root.stringMap("chrome_flags"),
        webUrlAllowlist(root),
        storage,
        backup,
        root.bool("disallow_local_storage", false),
        maxUploadQueue <= 0 ? 60 : maxUploadQueue,
        sessionLimits(root.child("session_limits")),
        cpuCost(root.child("cpu_cost")),
        ioCreate,
        ioUpdate,
        root.duration("io_selection_timeout", Duration.ZERO),
        ioWorkers <= 0 ? 5 : ioWorkers,
        new S3AssumeRole(root.string("s3_assume_role_key", ""), root.string("s3_assume_role_secret", ""),
            root.string("s3_assume_role_arn", ""), root.string("s3_assume_role_external_id", "")),
        latency(root.child("latency")),
        nonNegative(root, "video_encoder_threads"),
        root.bool("enable_sync_engine", false),
        new AudioTempoController(tempoEnabled, tempoRate),
        pulseReapGrace(root),
        debug(root.child("debug")),
        root.oneOf("room_composite_audio", "room", List.of("room", "page")).equals("room"),
        root.oneOf("room_composite_renderer", "native", List.of("chrome", "native")).equals("native"),
        root.oneOf("room_composite_encoding", "economy", List.of("economy", "standard")).equals("economy"),
        atLeastOne(root, "egresses_per_handler", 10),
        atLeastOne(root, "track_egresses_per_handler", 25),
        tmpDir(root),
        root.longValue("tmp_dir_min_free_mb", 256));
    if (config.tmpDirMinFreeMb() < 0) {
      throw root.invalid("tmp_dir_min_free_mb", "expected 0 or more, got " + config.tmpDirMinFreeMb());
    }

    // accepted by the reference, no effect here
    root.ignore("latency_overrides");
    root.ignore("enable_one_shot_sender_report_sync");
    root.ignore("test_overrides");
    root.ignore("nodeid");
    root.ignore("handler_id");

    for (String key : root.unknownKeys()) {
      warnings.add("unknown config key '" + key + "' is ignored (check its spelling)");
    }
    return config;
  }

  /** {@code tmp_dir}: an absolute directory, by default under the JVM's temp directory. */
  private static java.nio.file.Path tmpDir(ConfigNode root) {
    String dir = root.string("tmp_dir", "");
    if (dir.isEmpty()) {
      return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "egress-java");
    }
    java.nio.file.Path p = java.nio.file.Path.of(dir);
    if (!p.isAbsolute()) {
      throw root.invalid("tmp_dir", "expected an absolute path, got '" + dir + "'");
    }
    return p;
  }

  private static Duration positiveOr(Duration d, Duration dflt) {
    return d.isZero() || d.isNegative() ? dflt : d;
  }

  private static int nonNegative(ConfigNode node, String key) {
    int v = node.integer(key, 0);
    if (v < 0) {
      throw node.invalid(key, "expected 0 or more, got " + v);
    }
    return v;
  }

  /**
   * Handler capacities: a burst shares a warm JVM instead of starting one each, and a crash fails
   * at most that many egresses (10 in general, 25 passthrough track egresses).
   */
  private static int atLeastOne(ConfigNode root, String key, int dflt) {
    int v = root.integer(key, dflt);
    if (v < 1) {
      throw root.invalid(key, "expected 1 or more, got " + v);
    }
    return v;
  }

  private static int pulseReapGrace(ConfigNode root) {
    int v = root.integer("pulse_sink_reap_grace_sec", 0);
    return v == 0 ? 30 : v; // negative disables reaping, as the reference
  }

  private Logging logging(ConfigNode root) {
    ConfigNode l = root.child("logging");
    String legacyLevel = root.string("log_level", null);
    if (legacyLevel != null) {
      warnings.add("config key 'log_level' is deprecated: use 'logging.level'");
    }
    String level = l.oneOf("level", legacyLevel == null ? "info" : legacyLevel, LOG_LEVELS);
    l.ignore("sample_initial");
    l.ignore("sample_interval");
    return new Logging(level, l.bool("json", false), l.bool("sample", false), l.stringMap("component_levels"),
        l.integer("item_sample_seconds", 0), l.integer("item_sample_initial", 0), l.integer("item_sample_interval", 0));
  }

  private static Redis redis(ConfigNode r) {
    ConfigNode tls = r.child("tls");
    int maxRedirects = r.integer("max_redirects", 2);
    return new Redis(
        r.string("address", ""),
        r.string("username", ""),
        r.string("password", ""),
        nonNegative(r, "db"),
        r.bool("use_tls", false),
        new Tls(tls.bool("enabled", false), tls.bool("insecure", false), tls.string("server_name", ""),
            tls.string("ca_cert_file", ""), tls.string("client_cert_file", ""), tls.string("client_key_file", "")),
        r.string("sentinel_master_name", ""),
        r.string("sentinel_username", ""),
        r.string("sentinel_password", ""),
        r.stringList("sentinel_addresses"),
        r.stringList("cluster_addresses"),
        r.integer("dial_timeout", 2000),
        r.integer("read_timeout", 200),
        r.integer("write_timeout", 200),
        maxRedirects,
        r.duration("pool_timeout", Duration.ZERO),
        nonNegative(r, "pool_size"));
  }

  private static SessionLimits sessionLimits(ConfigNode s) {
    long maxSize = s.longValue("file_output_max_size", 0);
    if (maxSize < 0) {
      throw s.invalid("file_output_max_size", "expected a size in bytes (0 = no limit), got " + maxSize);
    }
    return new SessionLimits(
        nonNegative(s, "file_output_max_duration", s.duration("file_output_max_duration", Duration.ZERO)),
        maxSize,
        nonNegative(s, "stream_output_max_duration", s.duration("stream_output_max_duration", Duration.ZERO)),
        nonNegative(s, "segment_output_max_duration", s.duration("segment_output_max_duration", Duration.ZERO)),
        nonNegative(s, "image_output_max_duration", s.duration("image_output_max_duration", Duration.ZERO)));
  }

  private static Duration nonNegative(ConfigNode node, String key, Duration d) {
    if (d.isNegative()) {
      throw node.invalid(key, "expected a duration of 0s (no limit) or more, got " + Durations.format(d));
    }
    return d;
  }

  private CpuCost cpuCost(ConfigNode c) {
    double maxUtil = c.number("max_cpu_utilization", 0.8);
    if (maxUtil <= 0 || maxUtil > 1) {
      throw c.invalid("max_cpu_utilization", "expected a fraction in (0, 1], got " + maxUtil);
    }
    double memoryCost = c.number("memory_cost", 0);
    double audioRoomComposite = cost(c, "audio_room_composite_cpu_cost", 1);
    double sdkAudio = c.number("sdk_audio_room_composite_cpu_cost", 0);
    double sdkAudioMemory = c.number("sdk_audio_room_composite_memory_cost", 0);
    int maxPulse = c.integer("max_pulse_clients", 0);
    int cpuKillGrace = c.integer("cpu_kill_grace_sec", 0);
    return new CpuCost(
        maxUtil,
        c.number("max_memory", 0),
        memoryCost,
        cost(c, "room_composite_cpu_cost", 4),
        // measured 0.38 cores for four 720p simulcast publishers (bench/room-composite.sh); more
        // tiles decode more, and the measured use replaces the reservation after 15 s
        cost(c, "native_room_composite_cpu_cost", 1),
        audioRoomComposite,
        sdkAudio <= 0 ? audioRoomComposite : sdkAudio,
        sdkAudioMemory <= 0 ? memoryCost : sdkAudioMemory,
        cost(c, "web_cpu_cost", 4),
        cost(c, "audio_web_cpu_cost", 1),
        cost(c, "participant_cpu_cost", 2),
        cost(c, "track_composite_cpu_cost", 1),
        cost(c, "track_cpu_cost", 0.5),
        maxPulse == 0 ? 60 : maxPulse,
        c.oneOf("memory_source", "proc_rss", List.of("proc_rss", "cgroup")),
        c.integer("memory_kill_grace_sec", 0),
        cpuKillGrace <= 0 ? 30 : cpuKillGrace);
  }

  private static double cost(ConfigNode c, String key, double dflt) {
    double v = c.number(key, 0);
    return v <= 0 ? dflt : v;
  }

  private Latency latency(ConfigNode l) {
    Duration jitter = positiveOr(l.duration("jitter_buffer_latency", Duration.ZERO), Duration.ofSeconds(2));
    Duration maxTsDiff = latencyAlias(l, "rtpmaxallowedtsdiff", "rtp_max_allowed_ts_diff");
    Duration maxDrift = latencyAlias(l, "rtpmaxdriftadjustment", "rtp_max_drift_adjustment");
    double windowPercent = l.has("rtp_drift_adjustment_window_percent")
        ? l.number("rtp_drift_adjustment_window_percent", 0)
        : l.number("rtpdriftadjustmentwindowpercent", 0);
    l.ignore("rtpdriftadjustmentwindowpercent");
    maxTsDiff = positiveOr(maxTsDiff, Duration.ofSeconds(5));
    if (maxTsDiff.compareTo(jitter) < 0) {
      maxTsDiff = jitter;
    }
    return new Latency(
        jitter,
        positiveOr(l.duration("audio_mixer_latency", Duration.ZERO), Duration.ofMillis(2750)),
        positiveOr(l.duration("pipeline_latency", Duration.ZERO), Duration.ofSeconds(3)),
        positiveOr(l.duration("old_packet_threshold", Duration.ZERO), Duration.ofMillis(2200)),
        maxTsDiff,
        positiveOr(maxDrift, Duration.ofMillis(5)),
        windowPercent);
  }

  /** The reference reads these under their lower-cased field names; we accept both spellings. */
  private static Duration latencyAlias(ConfigNode l, String goKey, String snakeKey) {
    Duration snake = l.duration(snakeKey, Duration.ZERO);
    Duration go = l.duration(goKey, Duration.ZERO);
    return snake.isZero() ? go : snake;
  }

  private Debug debug(ConfigNode d) {
    boolean profiling = d.bool("enable_profiling", false);
    boolean track = d.bool("enable_track_logging", false);
    boolean stream = d.bool("enable_stream_logging", false);
    boolean chrome = d.bool("enable_chrome_logging", false);
    if (d.has("path_prefix")) {
      warnings.add("config key 'debug.path_prefix' is deprecated: use 'debug.prefix'");
    }
    StorageConfig storage = storageBody(d, d.string("path_prefix", ""));
    return new Debug(profiling, track, stream, chrome, storage);
  }

  /** The reference's old README put providers at the top level; map them to 'storage'. */
  private StorageConfig legacyTopLevelStorage(ConfigNode root) {
    boolean any = false;
    for (String p : List.of("s3", "azure", "gcp", "alioss")) {
      if (root.has(p)) {
        warnings.add("config key '" + p + "' at the top level is deprecated: move it under 'storage'");
        any = true;
      }
    }
    return any ? storageBody(root, "") : null;
  }

  private StorageConfig backup(ConfigNode root) {
    StorageConfig backup = storage(root.child("backup"));
    if (!root.has("backup_storage")) {
      root.ignore("backup_storage");
      return backup;
    }
    if (backup != null) {
      throw new ConfigException("config keys 'backup' and its legacy alias 'backup_storage' are both set: keep only 'backup'");
    }
    warnings.add("config key 'backup_storage' is deprecated: use 'backup'");
    // backup_storage was a directory path; the mapping form is accepted under the old name too
    if (root.isMapping("backup_storage")) {
      return storage(root.child("backup_storage"));
    }
    return new StorageConfig("", false, new StorageConfig.Local(root.string("backup_storage", "")));
  }

  /** A StorageConfig section, or null when absent. */
  private StorageConfig storage(ConfigNode s) {
    return s.isPresent() ? storageBody(s, "") : null;
  }

  private StorageConfig storageBody(ConfigNode s, String legacyPrefix) {
    String prefix = s.string("prefix", legacyPrefix);
    boolean presign = s.bool("generate_presigned_url", false);
    List<StorageConfig.Provider> providers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    ConfigNode s3 = s.child("s3");
    if (s3.isPresent()) {
      providers.add(s3(s3));
      names.add("s3");
    }
    ConfigNode gcp = s.child("gcp");
    if (gcp.isPresent()) {
      providers.add(new StorageConfig.Gcp(gcp.string("credentials_json", ""), gcp.string("bucket", ""), proxy(gcp),
          gcp.string("endpoint", "")));
      names.add("gcp");
    }
    ConfigNode azure = s.child("azure");
    if (azure.isPresent()) {
      providers.add(new StorageConfig.Azure(azure.string("account_name", ""), azure.string("account_key", ""),
          azure.string("container_name", ""), azure.string("endpoint", "")));
      names.add("azure");
    }
    ConfigNode oss = s.child("alioss");
    if (oss.isPresent()) {
      providers.add(new StorageConfig.AliOss(oss.string("access_key", ""), oss.string("secret", ""),
          oss.string("region", ""), oss.string("endpoint", ""), oss.string("bucket", "")));
      names.add("alioss");
    }
    if (providers.size() > 1) {
      throw new ConfigException(ConfigNode.describe(s.path().isEmpty() ? "config" : s.path())
          + ": only one of s3, gcp, azure, alioss may be set, found " + String.join(", ", names));
    }
    return new StorageConfig(prefix, presign, providers.isEmpty() ? null : providers.get(0));
  }

  private StorageConfig.S3 s3(ConfigNode s3) {
    if (s3.has("aws_log_level")) {
      warnings.add("config key '" + s3.key("aws_log_level") + "' is no longer used");
    }
    s3.ignore("aws_log_level");
    int maxRetries = s3.integer("max_retries", 0);
    if (maxRetries < 0) {
      throw s3.invalid("max_retries", "expected 0 (default 5) or more, got " + maxRetries);
    }
    return new StorageConfig.S3(
        s3.string("access_key", ""),
        s3.string("secret", ""),
        s3.string("session_token", ""),
        s3.string("assume_role_arn", ""),
        s3.string("assume_role_external_id", ""),
        s3.string("region", ""),
        s3.string("endpoint", ""),
        s3.string("bucket", ""),
        s3.bool("force_path_style", false),
        proxy(s3),
        maxRetries == 0 ? 5 : maxRetries,
        positiveOr(s3.duration("max_retry_delay", Duration.ZERO), Duration.ofSeconds(5)),
        positiveOr(s3.duration("min_retry_delay", Duration.ZERO), Duration.ofMillis(100)),
        s3.stringMap("metadata"),
        s3.string("tagging", ""),
        s3.string("content_disposition", ""));
  }

  /** proxy_config {url, username, password}; the legacy 'proxy: URL' string is still read. */
  private StorageConfig.Proxy proxy(ConfigNode provider) {
    ConfigNode p = provider.child("proxy_config");
    String legacy = provider.string("proxy", null);
    if (legacy != null) {
      warnings.add("config key '" + provider.key("proxy") + "' is deprecated: use 'proxy_config.url'");
    }
    String url = p.string("url", legacy == null ? "" : legacy);
    if (url.isEmpty() && !p.isPresent()) {
      return null;
    }
    return new StorageConfig.Proxy(url, p.string("username", ""), p.string("password", ""));
  }
}
