package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.testrig.Helm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart (deploy/helm/egress-java) through the real helm CLI: it lints, and the manifests
 * it renders drain before a pod goes (grace period, preStop SIGTERM-and-wait), keep the spool on a
 * volume the config points at, carry the config as a Secret the server loads, and add the
 * PodDisruptionBudget and, when asked, the HorizontalPodAutoscaler.
 */
class HelmChartTest {
  private static final Path CHART = Path.of("..", "deploy", "helm", "egress-java").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void lints() throws Exception {
    Helm.Result r = Helm.run(CHART, "lint", "--strict", ".");
    assertThat(r.exit()).as("%s%s", r.out(), r.err()).isZero();
  }

  @Test
  void defaultsDrainKeepTheSpoolAndCarryALoadableConfig() throws Exception {
    Map<String, JsonNode> m = render("--set", "config.api_key=key", "--set", "config.api_secret=secret");
    assertThat(m.keySet()).contains("Deployment", "Secret", "PodDisruptionBudget", "Service").doesNotContain("HorizontalPodAutoscaler");

    JsonNode pod = m.get("Deployment").at("/spec/template/spec");
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isEqualTo(18000);
    JsonNode container = pod.at("/containers/0");
    String preStop = strings(container.at("/lifecycle/preStop/exec/command")).get(2);
    assertThat(preStop).as("SIGTERM to the server, then wait for it to exit").contains("kill -TERM 1").contains("while kill -0 1");
    assertThat(env(container)).containsEntry("EGRESS_CONFIG_FILE", "/etc/egress-java/config.yaml");
    assertThat(container.at("/env").findValues("resourceFieldRef").get(0).at("/resource").asText()).isEqualTo("requests.cpu");
    assertThat(container.at("/resources/limits/cpu").isMissingNode()).as("no CPU limit").isTrue();
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("health");

    // the spool: an emptyDir mounted where the config's tmp_dir points
    JsonNode spool = volume(pod, "spool");
    assertThat(spool.at("/emptyDir/sizeLimit").asText()).isEqualTo("20Gi");
    assertThat(mountPath(container, "spool")).isEqualTo("/var/spool/egress-java");
    assertThat(volume(pod, "config").at("/secret/secretName").asText()).isEqualTo(m.get("Secret").at("/metadata/name").asText());
    assertThat(mountPath(container, "config")).isEqualTo("/etc/egress-java");

    // the Secret's config.yaml is a config the server loads, its spool on the volume
    String body = m.get("Secret").at("/stringData/config.yaml").asText();
    EgressConfigLoader.Loaded loaded = EgressConfigLoader.fromYaml(body, Map.of());
    assertThat(loaded.warnings()).as("keys the server does not know").isEmpty();
    EgressConfig config = loaded.config();
    assertThat(config.apiKey()).isEqualTo("key");
    assertThat(config.tmpDir()).isEqualTo(Path.of("/var/spool/egress-java"));
    assertThat(config.healthPort()).isEqualTo(8080);
    assertThat(m.get("Service").at("/spec/ports").findValuesAsText("name")).containsExactly("health", "metrics");

    assertThat(m.get("PodDisruptionBudget").at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(m.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
        .isEqualTo(m.get("Deployment").at("/spec/selector/matchLabels"));
  }

  @Test
  void autoscalesOnCpuOrOnTheAvailableMetric() throws Exception {
    JsonNode cpu = render("--set", "autoscaling.enabled=true").get("HorizontalPodAutoscaler");
    assertThat(cpu.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
    assertThat(cpu.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(60);

    Map<String, JsonNode> m = render("--set", "autoscaling.enabled=true", "--set", "autoscaling.availableMetric=true",
        "--set", "autoscaling.maxReplicas=4");
    JsonNode hpa = m.get("HorizontalPodAutoscaler");
    assertThat(hpa.at("/spec/metrics/0/pods/metric/name").asText()).isEqualTo("livekit_egress_available");
    assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(4);
    assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(m.get("Deployment").at("/metadata/name").asText());
    assertThat(m.get("Deployment").at("/spec/replicas").isMissingNode()).as("replicas left to the autoscaler").isTrue();
  }

  @Test
  void anExistingSecretAndAClaimReplaceTheirDefaults() throws Exception {
    Map<String, JsonNode> m = render("--set", "existingSecret=my-egress-config", "--set", "spool.persistentVolumeClaim=egress-spool",
        "--set", "terminationGracePeriodSeconds=7200");
    assertThat(m).doesNotContainKey("Secret");
    JsonNode pod = m.get("Deployment").at("/spec/template/spec");
    assertThat(volume(pod, "config").at("/secret/secretName").asText()).isEqualTo("my-egress-config");
    assertThat(volume(pod, "spool").at("/persistentVolumeClaim/claimName").asText()).isEqualTo("egress-spool");
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isEqualTo(7200);
  }

  /** {@code helm template} with these flags: each rendered object by its kind (one of each here). */
  private static Map<String, JsonNode> render(String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("template", "egress", "."));
    args.addAll(List.of(flags));
    Helm.Result r = Helm.run(CHART, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(r.out())) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      });
    }
    return docs.stream().collect(Collectors.toMap(d -> d.at("/kind").asText(), d -> d));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> out = new java.util.HashMap<>();
    container.at("/env").forEach(e -> out.put(e.at("/name").asText(), e.at("/value").asText()));
    return out;
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.at("/volumes")) {
      if (v.at("/name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod.at("/volumes"));
  }

  private static String mountPath(JsonNode container, String name) {
    for (JsonNode v : container.at("/volumeMounts")) {
      if (v.at("/name").asText().equals(name)) {
        return v.at("/mountPath").asText();
      }
    }
    throw new AssertionError("no mount of " + name);
  }
}
