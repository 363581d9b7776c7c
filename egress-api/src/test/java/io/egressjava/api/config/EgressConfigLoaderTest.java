package io.egressjava.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.config.StorageConfig.Azure;
import io.egressjava.api.config.StorageConfig.Gcp;
import io.egressjava.api.config.StorageConfig.Local;
import io.egressjava.api.config.StorageConfig.S3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressConfigLoaderTest {

  static String resource(String name) {
    try (var in = EgressConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static EgressConfigLoader.Loaded load(String yaml) {
    return EgressConfigLoader.fromYaml(yaml, Map.of());
  }

  @Test
  void seedReadmeBlockLoads() {
    var loaded = load(resource("seed-readme.yaml"));
    EgressConfig c = loaded.config();
    assertThat(c.apiKey()).isEqualTo("APIabc");
    assertThat(c.apiSecret()).isEqualTo("secret-value");
    assertThat(c.wsUrl()).isEqualTo("ws://127.0.0.1:7880");
    assertThat(c.redis().address()).isEqualTo("127.0.0.1:6379");
    assertThat(c.redis().username()).isEqualTo("egress");
    assertThat(c.redis().password()).isEqualTo("redis-pass");
    assertThat(c.redis().db()).isEqualTo(1);
    assertThat(c.healthPort()).isEqualTo(8080);
    assertThat(c.templatePort()).isEqualTo(7981);
    assertThat(c.prometheusPort()).isEqualTo(9090);
    assertThat(c.debugHandlerPort()).isEqualTo(9091);
    assertThat(c.logging().level()).isEqualTo("debug");
    assertThat(c.logging().json()).isTrue();
    assertThat(c.templateBase()).isEqualTo("http://localhost:7981/custom/");
    assertThat(c.backup().provider()).isEqualTo(new Local("/var/egress/backup"));
    assertThat(c.enableChromeSandbox()).isTrue();
    assertThat(c.cpuCost().roomCompositeCpuCost()).isEqualTo(3.0);
    assertThat(c.cpuCost().webCpuCost()).isEqualTo(3.0);
    assertThat(c.cpuCost().trackCompositeCpuCost()).isEqualTo(2.0);
    assertThat(c.cpuCost().trackCpuCost()).isEqualTo(1.0);
    assertThat(c.cpuCost().participantCpuCost()).isEqualTo(2.0); // default
    assertThat(c.sessionLimits().fileOutputMaxDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(c.sessionLimits().streamOutputMaxDuration()).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.sessionLimits().segmentOutputMaxDuration()).isEqualTo(Duration.ofHours(3));
    S3 s3 = (S3) c.storage().provider();
    assertThat(s3.accessKey()).isEqualTo("AKIA000");
    assertThat(s3.secret()).isEqualTo("s3-secret");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(s3.bucket()).isEqualTo("recordings");
    assertThat(s3.maxRetries()).isEqualTo(5);
    assertThat(c.insecure()).isTrue();
    assertThat(c.debug().enableProfiling()).isTrue();
    assertThat(((S3) c.debug().storage().provider()).bucket()).isEqualTo("dotfiles");
    // the legacy spellings work, and say what replaces them; nothing else is flagged
    assertThat(loaded.warnings()).containsExactlyInAnyOrder(
        "config key 's3' at the top level is deprecated: move it under 'storage'",
        "config key 'backup_storage' is deprecated: use 'backup'");
  }

  @Test
  void referenceNewerKeysLoad() {
    var loaded = load(resource("reference-newer-keys.yaml"));
    assertThat(loaded.warnings()).isEmpty();
    EgressConfig c = loaded.config();
    assertThat(c.clusterId()).isEqualTo("us-east");
    assertThat(c.redis().tls()).isEqualTo(new ServiceSettings.Tls(true, true, "redis.local", "/etc/ca.pem",
        "/etc/client.pem", "/etc/client.key"));
    assertThat(c.redis().sentinelAddresses()).containsExactly("127.0.0.1:26379", "127.0.0.1:26380");
    assertThat(c.redis().dialTimeoutMs()).isEqualTo(3000);
    assertThat(c.redis().maxRedirects()).isEqualTo(3);
    assertThat(c.redis().poolTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.redis().poolSize()).isEqualTo(20);
    assertThat(c.logging().componentLevels()).containsEntry("lksdk", "error");
    assertThat(c.logging().itemSampleInterval()).isEqualTo(50);
    assertThat(c.storage().prefix()).isEqualTo("egress/");
    assertThat(c.storage().generatePresignedUrl()).isTrue();
    S3 s3 = (S3) c.storage().provider();
    assertThat(s3.sessionToken()).isEqualTo("tok");
    assertThat(s3.assumeRoleArn()).isEqualTo("arn:aws:iam::1:role/egress");
    assertThat(s3.assumeRoleExternalId()).isEqualTo("ext");
    assertThat(s3.forcePathStyle()).isTrue();
    assertThat(s3.proxy()).isEqualTo(new StorageConfig.Proxy("http://127.0.0.1:3128", "pu", "pp"));
    assertThat(s3.maxRetries()).isEqualTo(7);
    assertThat(s3.maxRetryDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s3.minRetryDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(s3.metadata()).containsEntry("team", "media");
    assertThat(s3.tagging()).isEqualTo("env=prod");
    assertThat(s3.contentDisposition()).isEqualTo("attachment");
    assertThat(c.backup().prefix()).isEqualTo("backup/");
    assertThat(c.backup().provider()).isEqualTo(new Azure("acct", "key", "backup", ""));
    assertThat(c.disallowLocalStorage()).isTrue();
    assertThat(c.maxUploadQueueMinutes()).isEqualTo(30);
    assertThat(c.ioCreateTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.ioUpdateTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.ioSelectionTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.ioWorkers()).isEqualTo(8);
    assertThat(c.s3AssumeRole()).isEqualTo(new ServiceSettings.S3AssumeRole("ARK", "ARS",
        "arn:aws:iam::1:role/default", "default-ext"));
    assertThat(c.sessionLimits().fileOutputMaxSize()).isEqualTo(1073741824L);
    assertThat(c.sessionLimits().imageOutputMaxDuration()).isEqualTo(Duration.ofMinutes(45));
    var cost = c.cpuCost();
    assertThat(cost.maxCpuUtilization()).isEqualTo(0.9);
    assertThat(cost.maxMemory()).isEqualTo(16);
    assertThat(cost.sdkAudioRoomCompositeCpuCost()).isEqualTo(0.4);
    assertThat(cost.sdkAudioRoomCompositeMemoryCost()).isEqualTo(0.5);
    assertThat(cost.maxPulseClients()).isEqualTo(40);
    assertThat(cost.memorySource()).isEqualTo("cgroup");
    assertThat(cost.cpuKillGraceSec()).isEqualTo(20);
    assertThat(c.latency().jitterBufferLatency()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.latency().rtpMaxAllowedTsDiff()).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.latency().rtpMaxDriftAdjustment()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.latency().rtpDriftAdjustmentWindowPercent()).isEqualTo(2.5);
    assertThat(c.chromeFlags()).containsEntry("disable-gpu", "true");
    assertThat(c.videoEncoderThreads()).isEqualTo(2);
    assertThat(c.audioTempoController().adjustmentRate()).isEqualTo(0.05); // out of (0, 0.2] → default
    assertThat(c.pulseSinkReapGraceSec()).isEqualTo(-1);
    assertThat(c.debug().storage().prefix()).isEqualTo("debug/");
    assertThat(((Gcp) c.debug().storage().provider()).proxy().url()).isEqualTo("http://127.0.0.1:3129");
  }

  @Test
  void defaultsMatchTheReference() {
    EgressConfig c = load("redis: {address: 127.0.0.1:6379}").config();
    assertThat(c.templatePort()).isEqualTo(7980);
    assertThat(c.templateBase()).isEqualTo("http://localhost:7980/");
    assertThat(c.logging().level()).isEqualTo("info");
    assertThat(c.storage()).isNull();
    assertThat(c.backup()).isNull();
    assertThat(c.maxUploadQueueMinutes()).isEqualTo(60);
    assertThat(c.ioCreateTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.ioUpdateTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.ioWorkers()).isEqualTo(5);
    assertThat(c.sessionLimits()).isEqualTo(ServiceSettings.SessionLimits.NONE);
    var cost = c.cpuCost();
    assertThat(List.of(cost.roomCompositeCpuCost(), cost.audioRoomCompositeCpuCost(), cost.sdkAudioRoomCompositeCpuCost(),
        cost.webCpuCost(), cost.audioWebCpuCost(), cost.participantCpuCost(), cost.trackCompositeCpuCost(),
        cost.trackCpuCost(), cost.maxCpuUtilization()))
        .containsExactly(4.0, 1.0, 1.0, 4.0, 1.0, 2.0, 1.0, 0.5, 0.8);
    assertThat(cost.maxPulseClients()).isEqualTo(60);
    assertThat(cost.cpuKillGraceSec()).isEqualTo(30);
    assertThat(c.latency().jitterBufferLatency()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.latency().audioMixerLatency()).isEqualTo(Duration.ofMillis(2750));
    assertThat(c.latency().pipelineLatency()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.latency().oldPacketThreshold()).isEqualTo(Duration.ofMillis(2200));
    assertThat(c.latency().rtpMaxAllowedTsDiff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.pulseSinkReapGraceSec()).isEqualTo(30);
  }

  @Test
  void misspeltKeysWarnWithTheirNames() {
    var loaded = load("""
        api_key: k
        helth_port: 8080
        redis:
          adress: 127.0.0.1:6379
        session_limits:
          file_output_max_duraton: 1h
        """);
    assertThat(loaded.warnings()).containsExactlyInAnyOrder(
        "unknown config key 'helth_port' is ignored (check its spelling)",
        "unknown config key 'redis.adress' is ignored (check its spelling)",
        "unknown config key 'session_limits.file_output_max_duraton' is ignored (check its spelling)");
  }

  @Test
  void tmpDirIsTheSpoolRoot() {
    assertThat(load("tmp_dir: /var/spool/egress").config().tmpDir()).isEqualTo(java.nio.file.Path.of("/var/spool/egress"));
    assertThat(load("health_port: 1").config().tmpDir())
        .isEqualTo(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "egress-java"));
    assertThat(load("health_port: 1").config().tmpDirMinFreeMb()).isEqualTo(256);
    assertThat(load("tmp_dir_min_free_mb: 0").config().tmpDirMinFreeMb()).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      health_port: abc                                | config key 'health_port': expected an integer, got "abc"
      health_port: 70000                              | config key 'health_port': expected a port between 0 and 65535, got 70000
      insecure: maybe                                 | config key 'insecure': expected true or false, got "maybe"
      'session_limits: {file_output_max_duration: 3600}' | config key 'session_limits.file_output_max_duration': expected a duration such as 90m, 1h30m or 500ms, got 3600
      'session_limits: {stream_output_max_duration: 1 hour}' | config key 'session_limits.stream_output_max_duration': expected a duration such as 90m, 1h30m or 500ms, got "1 hour"
      'cpu_cost: {max_cpu_utilization: 1.5}'          | config key 'cpu_cost.max_cpu_utilization': expected a fraction in (0, 1], got 1.5
      'cpu_cost: {memory_source: disk}'               | config key 'cpu_cost.memory_source': expected one of proc_rss, cgroup, got "disk"
      'logging: {level: loud}'                        | config key 'logging.level': expected one of debug, info, warn, error, dpanic, panic, fatal, got "loud"
      'redis: {db: -1}'                               | config key 'redis.db': expected 0 or more, got -1
      'redis: {sentinel_addresses: 127.0.0.1:1}'      | config key 'redis.sentinel_addresses': expected a list of strings, got "127.0.0.1:1"
      'redis: 127.0.0.1:6379'                         | config key 'redis': expected a mapping of keys, got "127.0.0.1:6379"
      'storage: {s3: {bucket: a}, azure: {container_name: b}}' | config key 'storage': only one of s3, gcp, azure, alioss may be set, found s3, azure
      'storage: {s3: {max_retry_delay: soon}}'        | config key 'storage.s3.max_retry_delay': expected a duration such as 90m, 1h30m or 500ms, got "soon"
      tmp_dir: spool                                  | config key 'tmp_dir': expected an absolute path, got 'spool'
      'tmp_dir_min_free_mb: -1'                       | config key 'tmp_dir_min_free_mb': expected 0 or more, got -1
      'backup: {gcp: {bucket: x}}'                    | ok
      """)
  void badValuesFailNamingTheKey(String yaml, String message) {
    if (message.equals("ok")) {
      assertThat(load(yaml).config().backup().provider()).isInstanceOf(Gcp.class);
      return;
    }
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void legacyKeysMapToTheirReplacements() {
    var loaded = load("""
        log_level: warn
        azure: {account_name: a, account_key: k, container_name: c}
        backup_storage: {s3: {bucket: bk}}
        """);
    assertThat(loaded.config().logging().level()).isEqualTo("warn");
    assertThat(loaded.config().storage().provider()).isEqualTo(new Azure("a", "k", "c", ""));
    assertThat(((S3) loaded.config().backup().provider()).bucket()).isEqualTo("bk");
    assertThat(loaded.warnings()).hasSize(3).allMatch(w -> w.contains("deprecated"));
  }

  @Test
  void environmentFillsWhatYamlLeavesOut() {
    var env = Map.of("LIVEKIT_API_KEY", "envkey", "LIVEKIT_API_SECRET", "envsecret", "LIVEKIT_WS_URL", "ws://env");
    EgressConfig c = EgressConfigLoader.fromYaml("api_key: yamlkey", env).config();
    assertThat(c.apiKey()).isEqualTo("yamlkey");
    assertThat(c.apiSecret()).isEqualTo("envsecret");
    assertThat(c.wsUrl()).isEqualTo("ws://env");
  }

  @Test
  void configSources(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "api_key: fromfile");
    assertThat(EgressConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()).config().apiKey())
        .isEqualTo("fromfile");
    assertThat(EgressConfigLoader.load(new String[0], Map.of("EGRESS_CONFIG_FILE", file.toString())).config().apiKey())
        .isEqualTo("fromfile");
    // the body wins over the file, as in the reference
    assertThat(EgressConfigLoader.load(new String[] {"--config", file.toString()},
        Map.of("EGRESS_CONFIG_BODY", "api_key: frombody")).config().apiKey()).isEqualTo("frombody");
    assertThatThrownBy(() -> EgressConfigLoader.load(new String[0], Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage("missing config");
    assertThatThrownBy(() -> EgressConfigLoader.load(new String[] {"--config", dir.resolve("nope.yaml").toString()}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("could not read config file");
    assertThatThrownBy(() -> EgressConfigLoader.fromYaml("a: [unclosed", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("could not parse config:");
  }

  @ParameterizedTest
  @CsvSource({"1h,3600000", "90m,5400000", "500ms,500", "1h30m,5400000", "1.5s,1500", "0,0", "0s,0", "2h45m30s,9930000"})
  void goDurations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }
}
