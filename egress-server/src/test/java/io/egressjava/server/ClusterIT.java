package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.config;
import static io.egressjava.server.ItSupport.createRoom;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.rpc.ListActiveEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.psrpc.RpcClient;
import io.egressjava.testrig.LiveKitRig;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several egress-server instances on one Redis, driven by the real livekit-server. */
@ExtendWith(LiveKitRig.class)
class ClusterIT {

  @Test
  void thirtyRequestsOnThreeInstancesEachHandledOnceBusyBeforeIdle(LiveKitRig rig) throws IOException {
    // 2 cores, track cost 0.15: an instance takes 10 tracks (2 × 0.8 − 9 × 0.15 ≥ 0.15 > 2 × 0.8 − 10 × 0.15)
    String costs = "cpu_cost: {track_cpu_cost: 0.15}";
    List<String> assignments = Collections.synchronizedList(new ArrayList<>());
    List<RedisBus> buses = new ArrayList<>();
    List<EgressService> services = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        int instance = i;
        RedisBus bus = bus(rig);
        buses.add(bus);
        services.add(new EgressService(config(rig, costs), bus, plan -> {
          assignments.add(instance + ":" + plan.egressId());
          return new ScriptedRunner(plan);
        }, Clock.systemUTC(), 2.0).start());
      }
      createRoom(rig, "cluster-room");
      EgressServiceClient client = egressClient(rig);
      List<String> egressIds = new ArrayList<>();
      for (int n = 0; n < 30; n++) {
        EgressInfo info = ok(client.startTrackEgress("cluster-room",
            LivekitEgress.DirectFileOutput.newBuilder().setFilepath("t/{track_id}").build(), "TR_track" + n).execute());
        egressIds.add(info.getEgressId());
      }

      // every request handled exactly once
      assertThat(egressIds).doesNotHaveDuplicates().hasSize(30);
      Map<String, Long> handledTimes = assignments.stream()
          .collect(Collectors.groupingBy(a -> a.substring(2), Collectors.counting()));
      assertThat(handledTimes.keySet()).containsExactlyInAnyOrderElementsOf(egressIds);
      assertThat(handledTimes.values()).allMatch(c -> c == 1);
      Map<Integer, List<String>> perInstance = new HashMap<>();
      services.forEach(s -> perInstance.put(services.indexOf(s), s.activeEgressIds()));
      assertThat(perInstance.values()).allMatch(l -> l.size() == 10);

      // a busy instance wins over idle ones: instances fill one after another
      List<Integer> order = assignments.stream().map(a -> Integer.parseInt(a.substring(0, 1))).toList();
      List<Integer> blocks = new ArrayList<>();
      for (int i = 0; i < order.size(); i++) {
        if (i == 0 || !order.get(i).equals(order.get(i - 1))) {
          blocks.add(order.get(i));
        }
      }
      assertThat(blocks).as("assignment order %s", order).hasSize(3).doesNotHaveDuplicates();

      // ListActiveEgress (multi-RPC) answers from every instance
      try (RedisBus probeBus = bus(rig); RpcClient probe = new RpcClient(probeBus, EgressRpc.EGRESS_INTERNAL)) {
        var results = probe.callMulti(EgressRpc.LIST_ACTIVE_EGRESS, "", ListActiveEgressRequest.getDefaultInstance(),
            ListActiveEgressResponse.parser(), RpcClient.CallOptions.multi(Duration.ofSeconds(1)));
        assertThat(results).hasSize(3);
        assertThat(results.stream().flatMap(r -> r.response().getEgressIdsList().stream()))
            .containsExactlyInAnyOrderElementsOf(egressIds);
      }

      // the 31st request does not fit anywhere
      var patient = EgressServiceClient.Companion.createClient(rig.livekit().httpUrl(),
          io.egressjava.testrig.LiveKitServer.API_KEY, io.egressjava.testrig.LiveKitServer.API_SECRET,
          () -> new okhttp3.OkHttpClient.Builder().readTimeout(Duration.ofSeconds(90)).build());
      var refused = patient.startTrackEgress("cluster-room",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("t/x").build(), "TR_extra").execute();
      assertThat(refused.code()).isEqualTo(503);
    } finally {
      services.forEach(EgressService::close);
      buses.forEach(RedisBus::close);
    }
  }
}
