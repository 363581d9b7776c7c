package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.rpc.ListActiveEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.psrpc.LocalBus;
import io.egressjava.psrpc.RpcServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Counting the egress instances on one bus by who answers ListActiveEgress. */
class PeerWatchTest {

  private static RpcServer instance(LocalBus bus) {
    RpcServer server = new RpcServer(bus, EgressRpc.EGRESS_INTERNAL);
    server.register(EgressRpc.LIST_ACTIVE_EGRESS, "", ListActiveEgressRequest.parser(), null,
        (req, ctx) -> ListActiveEgressResponse.getDefaultInstance());
    return server;
  }

  @Test
  void aloneWhileOnlyThisInstanceAnswersAndNotOnceAnotherDoes() {
    List<Boolean> told = new CopyOnWriteArrayList<>();
    try (LocalBus bus = new LocalBus(); RpcServer self = instance(bus); PeerWatch watch = new PeerWatch(bus, told::add)) {
      watch.check();
      assertThat(told).as("one answer alone is not enough: peers started together see only themselves")
          .containsExactly(false);
      watch.check();
      assertThat(told).containsExactly(false, true);
      watch.check();
      assertThat(told).as("told on changes only").containsExactly(false, true);
      try (RpcServer other = instance(bus)) {
        watch.check();
        assertThat(told).containsExactly(false, true, false);
      }
      watch.check();
      assertThat(told).as("the peer left: alone again after two answers").containsExactly(false, true, false);
      watch.check();
      assertThat(told).containsExactly(false, true, false, true);
    }
  }

  @Test
  void noAnswerAtAllIsNotAlone() {
    List<Boolean> told = new CopyOnWriteArrayList<>();
    try (LocalBus bus = new LocalBus(); PeerWatch watch = new PeerWatch(bus, told::add)) {
      watch.check();
      assertThat(told).containsExactly(false);
    }
  }

  @Test
  void aCheckNobodyAnsweredDoesNotBreakTheCount() {
    List<Boolean> told = new CopyOnWriteArrayList<>();
    try (LocalBus bus = new LocalBus(); PeerWatch watch = new PeerWatch(bus, told::add)) {
      try (RpcServer self = instance(bus)) {
        assertThat(watch.check()).isTrue();
      }
      assertThat(watch.check()).as("this instance too busy to answer in time").isFalse();
      assertThat(told).containsExactly(false);
      try (RpcServer self = instance(bus)) {
        watch.check();
      }
      assertThat(told).as("its two answers count as consecutive").containsExactly(false, true);
    }
  }
}
