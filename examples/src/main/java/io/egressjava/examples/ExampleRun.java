package io.egressjava.examples;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.embedded.EmbeddedEgress;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;

/** What every example does with the library API: start, record for a while once media flows, stop, print. */
final class ExampleRun {
  private ExampleRun() {}

  /** Config for a LiveKit server (ws_url, api key and secret); a web egress may pass dummies. */
  static EgressConfig config(String wsUrl, String apiKey, String apiSecret) {
    return EgressConfigLoader.fromYaml("api_key: " + apiKey + "\napi_secret: " + apiSecret + "\nws_url: " + wsUrl,
        Map.of()).config();
  }

  /** Records for {@code seconds} after the egress becomes active (or until it ends by itself). */
  static EgressInfo record(EgressConfig config, StartEgressRequest request, int seconds) throws InterruptedException {
    try (EmbeddedEgress egress = EmbeddedEgress.start(config, request,
        info -> System.out.println(info.getEgressId() + " " + info.getStatus()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (egress.info().getStatus() == LivekitEgress.EgressStatus.EGRESS_STARTING && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < end && egress.info().getStatus() == LivekitEgress.EgressStatus.EGRESS_ACTIVE) {
        Thread.sleep(100);
      }
      egress.stop();
      EgressInfo done = egress.await(Duration.ofSeconds(60));
      System.out.println("result: " + done.getStatus() + (done.getError().isEmpty() ? "" : " " + done.getError()));
      done.getFileResultsList().forEach(f -> System.out.printf("file: %s (%d bytes, %.1f s)%n", f.getLocation(),
          f.getSize(), f.getDuration() / 1e9));
      return done;
    }
  }
}
