package io.egressjava.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.testrig.PythonSdk;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A /metrics text as Prometheus reads it: parsed by the official Prometheus Python client's parser
 * (test-fixtures/python/parse_metrics.py), not by anything of ours.
 */
public record ScrapedMetrics(String text, Map<String, Family> families) {

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {}

  public static String get(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("/metrics answered " + r.statusCode());
    }
    return r.body();
  }

  public static ScrapedMetrics parse(String text) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PythonSdk.python(), PythonSdk.script("parse_metrics.py").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("the Prometheus parser refused the text:\n" + text);
    }
    Map<String, Family> families = new LinkedHashMap<>();
    for (JsonNode f : new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS).readTree(out)) {
      List<Sample> samples = new ArrayList<>();
      for (JsonNode s : f.get("samples")) {
        Map<String, String> labels = new LinkedHashMap<>();
        s.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        samples.add(new Sample(s.get("name").asText(), labels, s.get("value").asDouble()));
      }
      families.put(f.get("name").asText(), new Family(f.get("name").asText(), f.get("type").asText(),
          f.get("help").asText(), samples));
    }
    return new ScrapedMetrics(text, families);
  }

  public Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no family " + name + " in:\n" + text);
    }
    return f;
  }

  /** The samples of {@code name} (a family's own name, or e.g. its _bucket series) whose labels include {@code labels}. */
  public List<Sample> samples(String family, String sampleName, Map<String, String> labels) {
    return family(family).samples().stream().filter(s -> s.name().equals(sampleName))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }
}
