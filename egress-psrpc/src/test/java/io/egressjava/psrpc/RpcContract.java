package io.egressjava.psrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.GetEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What our psrpc client and servers must do on any {@link MessageBus}: each process (client or
 * server) gets its own bus from {@link #bus()}, as each gets its own Redis connection.
 */
abstract class RpcContract {
  /** A bus for one more process. */
  abstract MessageBus bus();

  /** Waits until every bus has its subscriptions live. */
  abstract void awaitSubscribed(MessageBus... buses);

  static final MethodSpec QUEUE = MethodSpec.queue("Test", "Get");
  static final MethodSpec AFFINITY = MethodSpec.affinity("Test", "Pick");
  static final MethodSpec MULTI = MethodSpec.multi("Test", "All");

  static RpcClient.CallOptions affinityOptions() {
    return new RpcClient.CallOptions(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(500), false, 1.0f, 0);
  }

  @Test
  void queueMethodIsHandledByExactlyOneServer() {
    AtomicInteger handled = new AtomicInteger();
    try (MessageBus b1 = bus(); MessageBus b2 = bus(); MessageBus b3 = bus();
        RpcServer s1 = new RpcServer(b1, "Test"); RpcServer s2 = new RpcServer(b2, "Test"); RpcClient client = new RpcClient(b3, "Test")) {
      for (RpcServer s : List.of(s1, s2)) {
        s.register(QUEUE, "", GetEgressRequest.parser(), null, (req, ctx) -> {
          handled.incrementAndGet();
          return ListActiveEgressResponse.newBuilder().addEgressIds(req.getEgressId()).build();
        });
      }
      awaitSubscribed(b1, b2, b3);
      for (int i = 0; i < 20; i++) {
        var res = client.call(QUEUE, "", GetEgressRequest.newBuilder().setEgressId("EG_" + i).build(),
            ListActiveEgressResponse.parser(), RpcClient.CallOptions.queue(Duration.ofSeconds(3), Duration.ZERO));
        assertThat(res.getEgressIds(0)).isEqualTo("EG_" + i);
      }
      assertThat(handled.get()).isEqualTo(20);
    }
  }

  @Test
  void affinityPicksTheBestAndMaximumWinsAtOnce() {
    try (MessageBus b1 = bus(); MessageBus b2 = bus(); MessageBus b3 = bus();
        RpcServer idle = new RpcServer(b1, "Test"); RpcServer busy = new RpcServer(b2, "Test"); RpcClient client = new RpcClient(b3, "Test")) {
      idle.register(AFFINITY, "", GetEgressRequest.parser(), r -> 0.5f,
          (req, ctx) -> ListActiveEgressResponse.newBuilder().addEgressIds("idle").build());
      busy.register(AFFINITY, "", GetEgressRequest.parser(), r -> 1.0f,
          (req, ctx) -> ListActiveEgressResponse.newBuilder().addEgressIds("busy").build());
      awaitSubscribed(b1, b2, b3);
      for (int i = 0; i < 5; i++) {
        assertThat(client.call(AFFINITY, "", GetEgressRequest.getDefaultInstance(), ListActiveEgressResponse.parser(),
            affinityOptions()).getEgressIds(0)).isEqualTo("busy");
      }
    }
  }

  @Test
  void noClaimsAndErrorsCarryPsrpcCodes() {
    try (MessageBus b1 = bus(); MessageBus b2 = bus(); RpcServer server = new RpcServer(b1, "Test"); RpcClient client = new RpcClient(b2, "Test")) {
      server.register(AFFINITY, "", GetEgressRequest.parser(), r -> -1f, (req, ctx) -> GetEgressRequest.getDefaultInstance());
      server.register(QUEUE, "", GetEgressRequest.parser(), null, (req, ctx) -> {
        throw new PsrpcException(PsrpcCode.NOT_FOUND, "egress not found");
      });
      awaitSubscribed(b1, b2);
      assertThatThrownBy(() -> client.call(AFFINITY, "", GetEgressRequest.getDefaultInstance(), GetEgressRequest.parser(),
          affinityOptions()))
          .isInstanceOf(PsrpcException.class).hasMessage("no response from servers")
          .satisfies(e -> assertThat(((PsrpcException) e).code()).isEqualTo(PsrpcCode.UNAVAILABLE));
      assertThatThrownBy(() -> client.call(QUEUE, "", GetEgressRequest.getDefaultInstance(), GetEgressRequest.parser(),
          RpcClient.CallOptions.queue(Duration.ofSeconds(3), Duration.ZERO)))
          .isInstanceOf(PsrpcException.class).hasMessage("egress not found")
          .satisfies(e -> assertThat(((PsrpcException) e).code()).isEqualTo(PsrpcCode.NOT_FOUND));
    }
  }

  @Test
  void multiCollectsEveryServer() {
    try (MessageBus b1 = bus(); MessageBus b2 = bus(); MessageBus b3 = bus();
        RpcServer s1 = new RpcServer(b1, "Test"); RpcServer s2 = new RpcServer(b2, "Test"); RpcClient client = new RpcClient(b3, "Test")) {
      s1.register(MULTI, "", GetEgressRequest.parser(), null, (req, ctx) -> ListActiveEgressResponse.newBuilder().addEgressIds("a").build());
      s2.register(MULTI, "", GetEgressRequest.parser(), null, (req, ctx) -> ListActiveEgressResponse.newBuilder().addEgressIds("b").build());
      awaitSubscribed(b1, b2, b3);
      var results = client.callMulti(MULTI, "", GetEgressRequest.getDefaultInstance(), ListActiveEgressResponse.parser(),
          RpcClient.CallOptions.multi(Duration.ofMillis(700)));
      assertThat(results).extracting(r -> r.response().getEgressIds(0)).containsExactlyInAnyOrder("a", "b");
    }
  }
}
