package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.media.ffmpeg.SyncAnalyzer;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.PacketLoss;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the media path of the packaged server: the UDP datagrams to and from its handler's
 * sockets (nftables in the test namespace; the publisher and livekit-server are not touched) are
 * all dropped for 5 s or 30 s, or 10 % of them for 60 s, in the middle of a track composite of a
 * LiveKit Python SDK publisher that sounds a continuous 1 kHz tone. Every gap in the recorded tone
 * is media the egress did not get or did not keep; the MP4 is checked for the longest one.
 *
 * <p>Prints the fault table.
 */
@ExtendWith(LiveKitRig.class)
class NetworkFaultNetnsIT {
  private static final int BEFORE_S = 8;
  private static final int AFTER_S = 8;

  @Test
  void aFiveSecondBlackoutLeavesAGapInTheSameFile(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Outcome o = run(rig, tmp, "fault-udp-blackout-5", 100, 5);
    assertThat(o.end.getStatus()).as(o.end.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(o.longestGap).as("longest gap in the tone, s").isLessThanOrEqualTo(6.0);
    assertThat(o.seconds).as("seconds in the file, of %.1f recorded", o.recorded).isGreaterThan(o.recorded - 6.0 - 1.0);
  }

  /**
   * 30 s: the recording goes on in the same file after it, or ends with its file stored and the
   * reason stated. livekit-server drops a subscriber's peer connection after 15 s without ICE
   * (leave CONNECTION_TIMEOUT, action RESUME, then an ICE restart), every 15 s: so the media of a
   * 30 s outage comes back through a signalling resume and an ICE restart, up to 1.5 s after the
   * network (0.7 s measured).
   */
  @Test
  void aThirtySecondBlackoutKeepsTheFile(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Outcome o = run(rig, tmp, "fault-udp-blackout-30", 100, 30);
    if (o.end.getStatus() == EgressStatus.EGRESS_COMPLETE && o.end.getError().isEmpty()) {
      assertThat(o.longestGap).as("longest gap in the tone, s").isLessThanOrEqualTo(31.5);
      assertThat(o.seconds).as("seconds in the file, of %.1f recorded", o.recorded).isGreaterThan(o.recorded - 31.5 - 1.0);
    } else {
      assertThat(o.end.getError()).as("the reason it ended: %s", o.end).isNotEmpty();
      assertThat(o.seconds).as("seconds in the file before the blackout").isGreaterThan(BEFORE_S - 2.0);
    }
  }

  @Test
  void tenPercentLossLeavesNoAudioGapOver200ms(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    Outcome o = run(rig, tmp, "fault-udp-loss-10", 10, Integer.getInteger("fault.loss.seconds", 60));
    assertThat(o.end.getStatus()).as(o.end.getError()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(o.longestGap).as("longest gap in the tone, s").isLessThanOrEqualTo(0.200);
    assertThat(o.seconds).as("seconds in the file, of %.1f recorded", o.recorded).isGreaterThan(o.recorded - 2.0);
  }

  private record Outcome(EgressInfo end, double recorded, double seconds, double longestGap) {}

  private Outcome run(LiveKitRig rig, Path tmp, String room, int percent, int faultSeconds) throws Exception {
    String fault = percent == 100 ? "UDP blackout of " + faultSeconds + " s" : percent + " % UDP loss for " + faultSeconds + " s";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    try (PackagedServer server = new PackagedServer(room, rig, tmp.resolve("server"), "", "");
        PythonPublisher alice = PythonPublisher.start(rig.livekit(), room, "alice", "--beep-hz", "1000", "--flash", "1.0",
            "--video", "640x360");
        StatusWatch watch = new StatusWatch(client, room)) {
      Map<String, String> tracks = Shipped.awaitTracks(rig, room, 2).get("alice");
      Path out = tmp.resolve("out/" + room + ".mp4");
      EgressInfo started = Shipped.startTrackCompositeMp4(client, room, tracks, out);
      String id = started.getEgressId();
      long activeAt = Shipped.awaitAllActive(watch, List.of(started)).get(id);
      Thread.sleep(BEFORE_S * 1000L);
      List<ProcessHandle> handlers = server.descendants().stream()
          .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).stream().anyMatch(a -> a.endsWith("HandlerMain")))
          .toList();
      long dropped;
      long faultFrom = System.nanoTime();
      try (PacketLoss loss = PacketLoss.ofProcesses(handlers, percent)) {
        Thread.sleep(faultSeconds * 1000L);
        dropped = loss.dropped();
      }
      double faultTook = (System.nanoTime() - faultFrom) / 1e9; // with setting up and removing the rules
      Thread.sleep(AFTER_S * 1000L);
      EgressInfo end = Shipped.stopUnlessEnded(client, watch, id);
      Long endingAt = watch.firstSeen(id, EgressStatus.EGRESS_ENDING); // none if it ended by itself
      double recorded = ((endingAt != null ? endingAt : System.nanoTime()) - activeAt) / 1e9;
      System.out.printf(Locale.ROOT, "%s: %d datagrams dropped in %.2f s; statuses %s; error '%s'%n", fault, dropped,
          faultTook, watch.statuses(id), end.getError());
      assertThat(dropped).as("datagrams dropped").isPositive();
      assertThat(end.getFileResultsCount()).as("file results of %s", end).isEqualTo(1);
      Path mp4 = Path.of(end.getFileResults(0).getLocation());
      assertThat(mp4).exists();
      double seconds = Shipped.probedSeconds(mp4);
      List<SyncAnalyzer.Beep> tone = SyncAnalyzer.beeps(mp4, 1000);
      double longestGap = 0;
      double gapAt = 0;
      for (int i = 1; i < tone.size(); i++) {
        double gap = tone.get(i).onset() - (tone.get(i - 1).onset() + tone.get(i - 1).seconds());
        if (gap > longestGap) {
          longestGap = gap;
          gapAt = tone.get(i - 1).onset() + tone.get(i - 1).seconds();
        }
      }
      System.out.printf(Locale.ROOT, "tone: %d stretches, longest gap %.3f s at %.1f s; stretches (onset+length s): %s%n",
          tone.size(), longestGap, gapAt, tone.stream().map(b -> String.format(Locale.ROOT, "%.3f+%.3f", b.onset(), b.seconds()))
              .toList());
      Shipped.printFaultTable(List.of(String.format(Locale.ROOT,
          "| %s (rules in place %.2f s) | track composite, MP4 | %s%s, %d stretches of tone, longest gap %.3f s | %.1f of %.1f s"
              + " | %d B |", fault, faultTook, end.getStatus().name().substring(7),
          end.getError().isEmpty() ? "" : " (" + end.getError() + ")", tone.size(), longestGap, seconds, recorded,
          Files.size(mp4))));
      return new Outcome(end, recorded, seconds, longestGap);
    }
  }
}
