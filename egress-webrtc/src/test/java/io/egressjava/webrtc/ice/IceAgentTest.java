package io.egressjava.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connectivity checks over time, with the time given (no sockets). */
class IceAgentTest {
  private static final long MS = 1_000_000L;

  @Test
  void checksGoOnSlowlyAfterTheFastOnesUntilAPairIsSelected() {
    List<InetSocketAddress> sent = new ArrayList<>();
    IceAgent agent = new IceAgent((data, to) -> sent.add(to), List.of(new InetSocketAddress("10.0.0.2", 40000)));
    agent.setRemote("ufrag", "passwordpasswordpassword", false);
    assertThat(agent.addRemoteCandidate("candidate:1 1 udp 2130706431 10.0.0.1 7882 typ host")).isTrue();
    long t = 0;
    for (; sent.size() < 200; t += 10 * MS) {
      agent.tick(t);
    }
    assertThat(t).as("200 checks at 50 ms").isBetween(9_900 * MS, 10_100 * MS);
    // the network is still away (an outage during an ICE restart): checks go on, every 500 ms
    long end = t + 20_000 * MS;
    for (; t <= end; t += 10 * MS) {
      agent.tick(t);
    }
    assertThat(sent.size() - 200).isBetween(39, 41);
    assertThat(sent).allMatch(a -> a.equals(new InetSocketAddress("10.0.0.1", 7882)));
  }
}
