package io.egressjava.examples;

import com.google.protobuf.util.JsonFormat;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Plans a StartEgress request (protojson) against a config and prints what the egress would do and
 * the EgressInfo it would report first. Without arguments it uses the embedded defaults.
 *
 * <pre>java ... PlanDemo [config.yaml] [request.json]</pre>
 */
public final class PlanDemo {
  private PlanDemo() {}

  public static void main(String[] args) throws IOException {
    String yaml = args.length > 0 ? Files.readString(Path.of(args[0])) : resource("demo-config.yaml");
    String json = args.length > 1 ? Files.readString(Path.of(args[1])) : resource("demo-request.json");
    EgressConfig config = EgressConfigLoader.fromYaml(yaml, Map.of()).config();

    StartEgressRequest.Builder request = StartEgressRequest.newBuilder();
    JsonFormat.parser().merge(json, request);
    try {
      EgressPlan plan = new EgressPlanner(config, Clock.systemDefaultZone()).plan(request.build());
      System.out.println("egress " + plan.egressId() + ": " + plan.requestType().label() + " from " + plan.sourceType()
          + (plan.source().webUrl().isEmpty() ? "" : " page " + plan.source().webUrl().replaceAll("token=[^&]+", "token=…")));
      System.out.println("  audio " + plan.audio() + ", video " + plan.video());
      System.out.println("  encoding " + plan.encoding());
      if (plan.file() != null) {
        System.out.println("  file     " + plan.file().type() + " → " + plan.file().storagePath());
      }
      if (plan.segments() != null) {
        System.out.println("  hls      " + plan.segments().names().playlistPath() + ", segments "
            + plan.segments().names().indexSegment(0) + "…, " + plan.segments().segmentDurationSeconds() + " s");
      }
      if (plan.stream() != null) {
        plan.stream().targets().forEach(t -> System.out.println("  stream   " + plan.stream().type() + " → " + t.redacted()));
      }
      plan.images().forEach(i -> System.out.println("  images   every " + i.captureInterval().toSeconds() + " s → "
          + i.names().storageDir() + i.names().indexImage(0)));
      System.out.println("EgressInfo (STARTING):");
      System.out.println(JsonFormat.printer().print(plan.info()));
    } catch (EgressException e) {
      System.out.println("rejected: " + e.code().wire() + ": " + e.getMessage());
      System.exit(2);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PlanDemo.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
