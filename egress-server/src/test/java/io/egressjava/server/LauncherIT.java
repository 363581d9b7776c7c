package io.egressjava.server;

import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.source.browser.TestPages;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service as operators run it: {@code java -jar target/egress-server.jar} with a YAML
 * body in the environment, taking a web egress from livekit-server, showing it on the health and
 * metrics ports, dumping its handler's threads, media graph and a Flight Recorder recording on the
 * debug port, and on SIGTERM letting it finish before exiting.
 */
@ExtendWith(LiveKitRig.class)
class LauncherIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String get(int port) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void jarServesAWebEgressAndDrainsOnSigterm(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    int health = Ports.free();
    int metrics = Ports.free();
    int debug = Ports.free();
    String config = String.join("\n", "api_key: " + LiveKitServer.API_KEY, "api_secret: " + LiveKitServer.API_SECRET,
        "ws_url: " + rig.livekit().wsUrl(), "redis: {address: " + rig.redis().address() + "}",
        "health_port: " + health, "prometheus_port: " + metrics, "debug_handler_port: " + debug, "bind_address: 127.0.0.1",
        "template_port: " + Ports.free(), "cpu_cost: {web_cpu_cost: 1}", "logging: {json: true}");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", Path.of("target/egress-server.jar").toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(Path.of("target/launcher-it-server.log").toFile());
    pb.environment().put("EGRESS_CONFIG_BODY", config);
    Process server = pb.start();
    try (TestPages pages = new TestPages()) {
      Ports.await(Duration.ofSeconds(30), "the health port (log: target/launcher-it-server.log)", () -> {
        try {
          return get(health).startsWith("{\"CpuLoad\":");
        } catch (IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startWebEgress(pages.url("/pattern.html?end=8"),
          LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(tmp.resolve("launched.mp4").toString()).build(),
          null, LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).build(), false, false, false)
          .execute());
      String id = started.getEgressId();
      Ports.await(Duration.ofSeconds(30), "the egress to record", () -> status(client, id) == EgressStatus.EGRESS_ACTIVE);

      String healthJson = get(health);
      assertThat(healthJson).contains("\"" + id + "\":{\"Web\":{\"url\":\"" + pages.url("/pattern.html?end"));
      // the handler's metrics reach the service every 2 s
      Ports.await(Duration.ofSeconds(10), "the handler's metrics", () -> {
        try {
          return get(metrics).contains("livekit_egress_output_fps{");
        } catch (IOException | InterruptedException e) {
          return false;
        }
      });
      ScrapedMetrics scraped = ScrapedMetrics.parse(get(metrics));
      assertThat(scraped.samples("livekit_egress_requests", "livekit_egress_requests", Map.of("type", "web")))
          .singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(1.0);
      assertThat(scraped.samples("livekit_egress_available", "livekit_egress_available", Map.of())).singleElement()
          .extracting(ScrapedMetrics.Sample::value).isEqualTo(0.0);
      assertThat(scraped.samples("livekit_egress_output_fps", "livekit_egress_output_fps", Map.of("egress_id", id)))
          .singleElement().extracting(ScrapedMetrics.Sample::value).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE)
          .isGreaterThan(10.0);
      assertThat(scraped.samples("livekit_egress_handler_rss_bytes", "livekit_egress_handler_rss_bytes", Map.of("egress_id", id)))
          .singleElement().extracting(ScrapedMetrics.Sample::value).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE)
          .isGreaterThan(50e6);

      // debug_handler_port: the handler's threads, the egress's graph, a Flight Recorder recording
      HttpResponse<String> threads = fetch(debug, "/debug/" + id + "/threads");
      assertThat(threads.statusCode()).isEqualTo(200);
      assertThat(threads.body()).startsWith("handler pid ").contains("\"egress-" + id + "\"").contains("\tat ");
      HttpResponse<String> graph = fetch(debug, "/debug/" + id + "/graph");
      System.out.println(graph.body());
      assertThat(graph.statusCode()).isEqualTo(200);
      assertThat(graph.body()).startsWith("digraph \"" + id + "\"").contains("video encoder\\nlibx264 640x360")
          .contains("audio encoder\\naac").contains("file launched.mp4").contains("source -> video");
      HttpResponse<byte[]> jfr = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debug + "/debug/" + id
          + "/jfr?seconds=2")).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(jfr.statusCode()).as(new String(jfr.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
      Path recording = java.nio.file.Files.write(tmp.resolve("handler.jfr"), jfr.body());
      List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(recording);
      System.out.printf("debug port: %d threads' stacks, graph %d bytes, JFR %d bytes with %d events%n",
          threads.body().split("\n\"").length, graph.body().length(), jfr.body().length, events.size());
      java.util.Set<String> kinds = new java.util.TreeSet<>();
      events.forEach(e -> kinds.add(e.getEventType().getName()));
      assertThat(kinds).contains("jdk.CPULoad").containsAnyOf("jdk.ExecutionSample", "jdk.NativeMethodSample");
      assertThat(fetch(debug, "/debug/EG_notHere00000/graph").statusCode()).isEqualTo(404);

      server.toHandle().destroy(); // SIGTERM: no new work, the running egress finishes by itself
      Thread.sleep(1_000);
      assertThat(server.isAlive()).as("still running while the egress records").isTrue();
      assertThat(ScrapedMetrics.parse(get(metrics)).samples("livekit_egress_is_terminating", "livekit_egress_is_terminating",
          Map.of())).singleElement().extracting(ScrapedMetrics.Sample::value).isEqualTo(1.0);
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exited after the egress").isTrue();
      assertThat(server.exitValue()).isZero();
      EgressInfo done = ok(client.listEgress(null, id, false).execute()).get(0);
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      assertThat(done.getDetails()).isEqualTo("End reason: Source closed");
      assertThat(done.getFileResults(0).getSize()).isPositive();
      // logging.json: one zap-style JSON object per line
      List<String> lines = java.nio.file.Files.readAllLines(Path.of("target/launcher-it-server.log")).stream()
          .filter(l -> l.startsWith("{\"level\":")).toList();
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"logger\":\"egress.EgressServerMain\"")
          .contains("\"msg\":\"egress-server ").contains("\"ts\":"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"msg\":\"egress " + id + " finished: EGRESS_COMPLETE\""));
      // the Go egress's per-egress fields on every line about it, the handler's included
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      List<com.fasterxml.jackson.databind.JsonNode> parsed = new java.util.ArrayList<>();
      for (String l : lines) {
        parsed.add(json.readTree(l));
      }
      List<com.fasterxml.jackson.databind.JsonNode> naming = parsed.stream().filter(j -> j.get("msg").asText().contains(id)).toList();
      List<com.fasterxml.jackson.databind.JsonNode> tagged = parsed.stream().filter(j -> j.has("egressID")).toList();
      assertThat(naming).isNotEmpty().allSatisfy(j -> assertThat(j.path("egressID").asText()).as(j.toString()).isEqualTo(id));
      assertThat(tagged).allSatisfy(j -> {
        assertThat(j.get("egressID").asText()).isEqualTo(id);
        assertThat(j.path("requestType").asText()).as(j.toString()).isEqualTo("web");
      });
      System.out.printf("log lines: %d about the egress by their text, %d carry its fields%n", naming.size(), tagged.size());
      assertThat(tagged.size()).as("its threads' lines too, not only those naming it").isGreaterThan(naming.size());
    } finally {
      server.destroyForcibly();
    }
  }

  private static HttpResponse<String> fetch(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static EgressStatus status(EgressServiceClient client, String id) {
    try {
      List<EgressInfo> list = ok(client.listEgress(null, id, false).execute());
      return list.isEmpty() ? null : list.get(0).getStatus();
    } catch (IOException e) {
      return null;
    }
  }
}
