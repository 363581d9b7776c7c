package io.egressjava.examples.embedded;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.embedded.EmbeddedEgress;
import java.time.Duration;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;

/**
 * Records one track of a LiveKit room into a file, in this JVM, as it was published (Opus → .ogg,
 * VP8/VP9/AV1 → .webm, H.264 → .mp4): the egress joins the room over WebRTC itself. The only
 * dependency is {@code io.egressjava:egress-embedded}; logging goes to whatever SLF4J binding the
 * application has.
 *
 * <p>Usage: RecordTrack ws_url api_key api_secret room track_sid output_dir [seconds, default 10]
 */
public final class RecordTrack {
  private RecordTrack() {}

  public static void main(String[] args) throws Exception {
    EgressInfo done = record(args[0], args[1], args[2], args[3], args[4], args[5], args.length > 6 ? Integer.parseInt(args[6]) : 10);
    System.out.println("result: " + done.getStatus() + (done.getError().isEmpty() ? "" : " " + done.getError()));
    done.getFileResultsList().forEach(f -> System.out.printf("file: %s (%d bytes, %.1f s)%n", f.getLocation(), f.getSize(),
        f.getDuration() / 1e9));
    System.exit(done.getStatus() == EgressStatus.EGRESS_COMPLETE ? 0 : 1);
  }

  /** Records {@code seconds} from the moment media flows, then stops and returns the final info. */
  public static EgressInfo record(String wsUrl, String apiKey, String apiSecret, String room, String trackSid, String outputDir,
      int seconds) throws InterruptedException {
    EgressConfig config = EgressConfigLoader.fromYaml(
        "api_key: " + apiKey + "\napi_secret: " + apiSecret + "\nws_url: " + wsUrl, Map.of()).config();
    var request = StartEgressRequest.newBuilder().setTrack(LivekitEgress.TrackEgressRequest.newBuilder()
        .setRoomName(room).setTrackId(trackSid)
        .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath(outputDir + "/{track_type}-{track_id}"))).build();
    try (EmbeddedEgress egress = EmbeddedEgress.start(config, request,
        info -> System.out.println(info.getEgressId() + " " + info.getStatus()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (egress.info().getStatus() == EgressStatus.EGRESS_STARTING && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end && egress.info().getStatus() == EgressStatus.EGRESS_ACTIVE) {
        Thread.sleep(100);
      }
      egress.stop();
      return egress.await(Duration.ofSeconds(60));
    }
  }
}
