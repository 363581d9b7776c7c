package io.egressjava.examples;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.server.EmbeddedEgress;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;

/**
 * Records a web page to MP4 in this JVM with the library API: no Redis, no livekit-server.
 * Usage: WebEgressExample <url> <output.mp4> [seconds, default 10]
 */
public final class WebEgressExample {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String output = args[1];
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    // a web egress needs no room: api key/secret and ws_url only have to be present
    EgressConfig config = EgressConfigLoader.fromYaml("api_key: unused\napi_secret: unused\nws_url: ws://unused",
        Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl(url)
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(output));
    try (EmbeddedEgress egress = EmbeddedEgress.start(config, StartEgressRequest.newBuilder().setWeb(web).build(),
        info -> System.out.println(info.getEgressId() + " " + info.getStatus()))) {
      // Chrome starts and loads the page first; record the asked time from when media flows
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (egress.info().getStatus() == LivekitEgress.EgressStatus.EGRESS_STARTING && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(seconds * 1000L);
      egress.stop();
      EgressInfo done = egress.await(Duration.ofSeconds(60));
      System.out.println("result: " + done.getStatus() + (done.getError().isEmpty() ? "" : " " + done.getError()));
      done.getFileResultsList().forEach(f -> System.out.printf("file: %s (%d bytes, %.1f s)%n", f.getLocation(),
          f.getSize(), f.getDuration() / 1e9));
    }
  }
}
