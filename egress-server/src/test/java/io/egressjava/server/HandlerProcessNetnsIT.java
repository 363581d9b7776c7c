package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.server.handler.HandlerProcessRunner;
import io.egressjava.server.handler.HandlerProcesses;
import io.egressjava.testrig.FilePublisher;
import io.egressjava.testrig.LiveKitRig;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egresses in handler processes, as egress-server runs them, two per handler here
 * ({@code track_egresses_per_handler: 2}): a handler killed with SIGKILL mid-recording fails the two
 * egresses it ran ("signal: killed", 500, as the reference reports a dead handler) with what they
 * had recorded finalized, stored and listed in their results (the reference loses it), while a third
 * egress, in another handler, records on and completes with its file; meanwhile the CPU monitor
 * measures each handler's process tree and shares it among its egresses.
 */
@ExtendWith(LiveKitRig.class)
class HandlerProcessNetnsIT {

  @Test
  void aKilledHandlerFailsOnlyItsOwnEgress(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Path vp8 = tmp.resolve("vp8.ivf");
    Path opus = tmp.resolve("opus.ogg");
    ItSupport.encode("-f", "lavfi", "-i", "testsrc2=s=640x360:r=30", "-t", "30", "-c:v", "libvpx", "-b:v", "600k", "-g",
        "30", "-deadline", "realtime", "-cpu-used", "8", vp8.toString());
    ItSupport.encode("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "30", "-ac", "2", "-c:a",
        "libopus", "-b:a", "48k", opus.toString());
    String room = "handler-kill";
    ItSupport.createRoom(rig, room);
    String yaml = ItSupport.configYaml(rig, "cpu_cost: {track_cpu_cost: 0.1}\ntrack_egresses_per_handler: 2");
    EgressConfig cfg = EgressConfigLoader.fromYaml(yaml, Map.of()).config();
    try (RedisBus bus = bus(rig);
        HandlerProcesses runners = new HandlerProcesses(cfg, yaml, tmp.resolve("work"));
        EgressService service = new EgressService(cfg, bus, runners, Clock.systemUTC(), 2.0).start();
        CpuMonitor cpu = new CpuMonitor(service.admission(), cfg.cpuCost(), runners::running).start();
        FilePublisher pub = FilePublisher.start(rig.livekit(), room, "speaker", false, vp8, opus)) {
      Map<String, String> tracks = ItSupport.awaitTracksByMime(rig, room, 2);
      EgressServiceClient client = egressClient(rig);
      EgressInfo video = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/video").toString()).build(), tracks.get("video/vp8")).execute());
      EgressInfo audio = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/audio").toString()).build(), tracks.get("audio/opus")).execute());
      EgressInfo other = ok(client.startTrackEgress(room, LivekitEgress.DirectFileOutput.newBuilder()
          .setFilepath(tmp.resolve("out/other").toString()).build(), tracks.get("audio/opus")).execute());
      for (EgressInfo e : List.of(video, audio, other)) {
        ItSupport.awaitStatus(client, room, e.getEgressId(), EgressStatus.EGRESS_ACTIVE);
      }

      Map<String, HandlerProcessRunner> handlers = runners.running();
      assertThat(handlers).containsOnlyKeys(video.getEgressId(), audio.getEgressId(), other.getEgressId());
      ProcessHandle victim = handlers.get(video.getEgressId()).process();
      ProcessHandle survivor = handlers.get(other.getEgressId()).process();
      assertThat(handlers.get(audio.getEgressId()).process().pid()).as("the first two share a handler").isEqualTo(victim.pid());
      assertThat(survivor.pid()).as("the third is in another").isNotEqualTo(victim.pid());
      assertThat(List.of(victim.pid(), survivor.pid())).doesNotContain(ProcessHandle.current().pid());
      assertThat(victim.info().arguments().map(List::of).orElse(List.of()))
          .as("nothing secret on the handler's command line")
          .noneMatch(a -> a.contains(io.egressjava.testrig.LiveKitServer.API_SECRET));

      Thread.sleep(3_000); // recording; the monitor has sampled both trees
      assertThat(cpu.usage()).containsKeys(video.getEgressId(), audio.getEgressId(), other.getEgressId());
      System.out.printf("handler CPU (cores): %s; node load %.2f; handler RSS %d MB (2 egresses) and %d MB (1)%n",
          cpu.usage(), cpu.load(), rssMb(victim), rssMb(survivor));
      assertThat(cpu.usage().values()).allMatch(c -> c > 0 && c < 1.5);
      assertThat(cpu.usage().get(video.getEgressId())).as("a shared handler's CPU is split between its egresses")
          .isEqualTo(cpu.usage().get(audio.getEgressId()));

      victim.destroyForcibly(); // SIGKILL
      for (EgressInfo e : List.of(video, audio)) {
        ItSupport.awaitStatus(client, room, e.getEgressId(), Duration.ofSeconds(15), "failed", EgressSession::isTerminal);
        EgressInfo killed = ItSupport.listed(client, room, e.getEgressId()).orElseThrow();
        assertThat(killed.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
        assertThat(killed.getError()).isEqualTo("signal: killed");
        assertThat(killed.getErrorCode()).isEqualTo(500);
        // unlike the reference, with what it recorded: finalized and stored by the service
        assertThat(killed.getFileResultsList()).as("recovered file of %s", e.getEgressId()).hasSize(1);
        LivekitEgress.FileInfo recovered = killed.getFileResults(0);
        assertThat(killed.getFile()).isEqualTo(recovered);
        Path stored = Path.of(recovered.getLocation());
        assertThat(stored.getParent()).isEqualTo(tmp.resolve("out"));
        assertThat(recovered.getSize()).isEqualTo(Files.size(stored)).isPositive();
        List<PacketReader.Packet> kept = PacketReader.read(stored);
        double keptSeconds = kept.get(kept.size() - 1).seconds() - kept.get(0).seconds();
        System.out.printf("recovered after SIGKILL: %s, %d frames over %.1f s, reported %.1f s%n", stored.getFileName(),
            kept.size(), keptSeconds, recovered.getDuration() / 1e9);
        assertThat(keptSeconds).as("of the ~3 s recorded before the kill").isGreaterThan(1.5);
        assertThat(recovered.getDuration() / 1e9).isCloseTo(keptSeconds, org.assertj.core.data.Offset.offset(0.2));
      }
      assertThat(runners.running()).containsOnlyKeys(other.getEgressId());
      assertThat(service.results()).containsEntry(new EgressService.Outcome("track", "process_error"), 2L);

      // the other handler's egress is untouched: it records on and completes with its file
      Thread.sleep(2_000);
      assertThat(ItSupport.listed(client, room, other.getEgressId()).orElseThrow().getStatus())
          .isEqualTo(EgressStatus.EGRESS_ACTIVE);
      assertThat(survivor.isAlive()).isTrue();
      ok(client.stopEgress(other.getEgressId()).execute());
      ItSupport.awaitStatus(client, room, other.getEgressId(), Duration.ofSeconds(20), "finished",
          EgressSession::isTerminal);
      EgressInfo done = ItSupport.listed(client, room, other.getEgressId()).orElseThrow();
      assertThat(done.getStatus()).as(done.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
      Path file = Path.of(done.getFileResults(0).getLocation());
      List<PacketReader.Packet> frames = PacketReader.read(file);
      double seconds = frames.get(frames.size() - 1).seconds() - frames.get(0).seconds();
      System.out.printf("survivor: %d Opus frames over %.1f s%n", frames.size(), seconds);
      assertThat(seconds).as("seconds recorded by the surviving handler").isGreaterThan(5.0);
      // the service forgets an egress once its end is handled (last updates read, leftovers reaped)
      for (int i = 0; i < 50 && !runners.running().isEmpty(); i++) {
        Thread.sleep(100);
      }
      assertThat(runners.running()).isEmpty();
      assertThat(survivor.isAlive()).as("a shared handler stays for the next egresses").isTrue();
      // nothing of the killed egresses is left behind: it is all stored
      for (EgressInfo e : List.of(video, audio)) {
        assertThat(tmp.resolve("work").resolve(e.getEgressId())).doesNotExist();
      }
      runners.close();
      survivor.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // retired: it exits, having nothing to run
    }
  }

  /** Resident memory of a process from /proc/<pid>/status. */
  private static long rssMb(ProcessHandle p) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }
}
