package io.egressjava.server;

import static io.egressjava.server.ItSupport.awaitStatus;
import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.createRoom;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static io.egressjava.server.ItSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.egressjava.api.psrpc.ClaimResponse;
import io.egressjava.api.psrpc.Msg;
import io.egressjava.api.psrpc.Request;
import io.egressjava.api.psrpc.Response;
import io.egressjava.psrpc.ChannelNames;
import io.egressjava.psrpc.MessageBus;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LiveKitRig.class)
class ResilienceIT {

  @Test
  void redisRestartMidEgress(LiveKitRig rig) throws Exception {
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "")) {
      createRoom(rig, "restart-room");
      EgressServiceClient client = egressClient(rig);
      EgressInfo started = ok(client.startTrackEgress("restart-room",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("r/{track_id}").build(), "TR_restart").execute());
      String id = started.getEgressId();
      awaitStatus(client, "restart-room", id, EgressStatus.EGRESS_ACTIVE);
      String stopChannel = ChannelNames.request(EgressRpc.EGRESS_HANDLER, "StopEgress", id);
      int connectionsBefore = bus.connectionCount();

      rig.redis().restart();
      long back = System.nanoTime();
      Ports.await(Duration.ofSeconds(5), "the service to resubscribe after the Redis restart",
          () -> bus.connectionCount() > connectionsBefore && bus.isSubscribed(stopChannel));
      long resubscribeMs = Duration.ofNanos(System.nanoTime() - back).toMillis();
      System.out.println("resubscribed " + resubscribeMs + " ms after Redis came back");

      // livekit-server reconnects too; the first StopEgress that reaches us is answered (a lost answer
      // would leave the egress COMPLETE and every later StopEgress failing with 412)
      EgressInfo[] stopped = new EgressInfo[1];
      Ports.await(Duration.ofSeconds(20), "StopEgress to go through after the restart", () -> {
        try {
          var r = client.stopEgress(id).execute();
          stopped[0] = r.body();
          return r.isSuccessful();
        } catch (IOException e) {
          return false;
        }
      });
      assertThat(stopped[0].getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
      awaitStatus(client, "restart-room", id, EgressStatus.EGRESS_COMPLETE);
    }
  }

  @Test
  void malformedPayloadsAreDroppedAndServiceKeepsServing(LiveKitRig rig) throws Exception {
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, ""); RedisBus attacker = bus(rig)) {
      String startChannel = ChannelNames.request(EgressRpc.EGRESS_INTERNAL, "StartEgress", "");
      byte[] junk = new byte[200];
      new Random(42).nextBytes(junk);
      attacker.publish(startChannel, junk);                                   // random bytes
      attacker.publish(startChannel, new byte[0]);                            // empty
      attacker.publish(startChannel, Msg.newBuilder()                          // wrong envelope type
          .setTypeUrl("type.googleapis.com/internal.ClaimResponse")
          .setValue(ClaimResponse.newBuilder().setRequestId("REQ_x").build().toByteString()).build().toByteArray());
      attacker.publish(startChannel, Msg.newBuilder()                          // unknown type
          .setTypeUrl("type.googleapis.com/evil.Thing").setValue(ByteString.copyFrom(junk)).build().toByteArray());

      // a real Request whose payload is not a StartEgressRequest gets malformed_request back
      String clientId = "CLI_malformed001";
      CompletableFuture<Response> answer = new CompletableFuture<>();
      try (MessageBus.Subscription sub = attacker.subscribe(ChannelNames.response(EgressRpc.EGRESS_INTERNAL, clientId), false,
          payload -> {
            try {
              answer.complete(Response.parseFrom(Msg.parseFrom(payload).getValue()));
            } catch (IOException e) {
              answer.completeExceptionally(e);
            }
          })) {
        Ports.await(Duration.ofSeconds(5), "the probe's subscription", () -> attacker.isSubscribed(
            ChannelNames.response(EgressRpc.EGRESS_INTERNAL, clientId)));
        long now = Instant.now().toEpochMilli() * 1_000_000L;
        attacker.publish(startChannel, Msg.newBuilder().setTypeUrl("type.googleapis.com/internal.Request")
            .setValue(Request.newBuilder().setRequestId("REQ_malformed01").setClientId(clientId).setSentAt(now)
                .setExpiry(now + 5_000_000_000L).setRawRequest(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))
                .build().toByteString()).build().toByteArray());
        Response response = answer.get(5, TimeUnit.SECONDS);
        assertThat(response.getCode()).isEqualTo("malformed_request");
      }

      // and real work still goes through
      createRoom(rig, "after-junk");
      EgressInfo ok = ok(egressClient(rig).startTrackEgress("after-junk",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("x").build(), "TR_fine").execute());
      assertThat(ok.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
      assertThat(svc.activeEgressIds()).containsExactly(ok.getEgressId());
    }
  }
}
