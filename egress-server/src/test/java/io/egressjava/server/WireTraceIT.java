package io.egressjava.server;

import static io.egressjava.server.ItSupport.bus;
import static io.egressjava.server.ItSupport.createRoom;
import static io.egressjava.server.ItSupport.egressClient;
import static io.egressjava.server.ItSupport.ok;
import static io.egressjava.server.ItSupport.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.psrpc.RedisBus;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * Captures Redis MONITOR during one StartEgress from livekit-server and checks the channel names
 * and command sequence of protocol.md §1.12. The trace is kept in target/wire-trace-start-egress.txt.
 */
@ExtendWith(LiveKitRig.class)
class WireTraceIT {
  private static final Pattern COMMAND = Pattern.compile("^\\S+ \\[\\d+ [^\\]]+\\] \"(\\w+)\"(?: \"([^\"]*)\")?.*$");

  /** A monitored command: name (upper case) and first argument (channel or key). */
  record Command(String name, String arg, String line) {}

  @Test
  void startEgressTrace(LiveKitRig rig) throws Exception {
    List<Command> trace = Collections.synchronizedList(new ArrayList<>());
    Jedis monitor = new Jedis(new HostAndPort("127.0.0.1", rig.redis().port()));
    Thread watcher = new Thread(() -> {
      try {
        monitor.monitor(new JedisMonitor() {
          @Override
          public void onCommand(String line) {
            var m = COMMAND.matcher(line);
            if (m.matches()) {
              trace.add(new Command(m.group(1).toUpperCase(), m.group(2) == null ? "" : m.group(2), line));
            }
          }
        });
      } catch (RuntimeException closed) {
        // monitor connection closed at the end of the test
      }
    }, "redis-monitor");
    watcher.setDaemon(true);
    watcher.start();
    Thread.sleep(200);

    String egressId;
    try (RedisBus bus = bus(rig); EgressService svc = service(rig, bus, "")) {
      Ports.await(Duration.ofSeconds(5), "StartEgress subscription",
          () -> bus.isSubscribed("EgressInternal|StartEgress|REQ") && bus.isSubscribed("EgressInternal|StartEgress|RCLAIM"));
      createRoom(rig, "trace-room");
      EgressInfo info = ok(egressClient(rig).startTrackEgress("trace-room",
          LivekitEgress.DirectFileOutput.newBuilder().setFilepath("x").build(), "TR_trace").execute());
      egressId = info.getEgressId();
      Ports.await(Duration.ofSeconds(5), "IOInfo.CreateEgress response", () -> indexOf(trace, 0, "PUBLISH", "IOInfo\\|CLI_\\w{12}\\|RES") >= 0);
      Thread.sleep(300);
    } finally {
      monitor.disconnect();
    }

    List<Command> snapshot = List.copyOf(trace);
    Path out = Path.of("target", "wire-trace-start-egress.txt");
    Files.write(out, snapshot.stream().map(Command::line).toList());

    String id = Pattern.quote(egressId);
    // our subscriptions exist before the request
    int subscribed = indexOf(snapshot, 0, "SUBSCRIBE", "EgressInternal\\|StartEgress\\|REQ");
    assertThat(subscribed).as("SUBSCRIBE StartEgress REQ").isGreaterThanOrEqualTo(0);
    assertThat(snapshot).anyMatch(c -> c.line().contains("\"EgressInternal|StartEgress|RCLAIM\""));
    assertThat(snapshot).anyMatch(c -> c.line().contains("\"EgressInternal|ListActiveEgress|REQ\""));
    assertThat(snapshot).anyMatch(c -> c.name().equals("SUBSCRIBE") && c.line().matches(".*\"IOInfo\\|CLI_\\w{12}\\|RES\".*"));
    // 1. livekit-server publishes the request, 2. we claim, 3. it answers the claim
    int request = indexOf(snapshot, subscribed, "PUBLISH", "EgressInternal\\|StartEgress\\|REQ");
    int claim = indexOf(snapshot, request, "PUBLISH", "EgressInternal\\|CLI_\\w{12}\\|CLAIM");
    int claimResponse = indexOf(snapshot, claim, "PUBLISH", "EgressInternal\\|StartEgress\\|RCLAIM");
    // 4. we register the egress's handler topics, then answer
    int handlerTopic = indexOf(snapshot, claimResponse, "SUBSCRIBE|PUBLISH", ".*EgressHandler\\|StopEgress\\|" + id + "\\|REQ.*");
    int response = indexOf(snapshot, claimResponse, "PUBLISH", "EgressInternal\\|CLI_\\w{12}\\|RES");
    // 6. IOInfo.CreateEgress: request, livekit's queue lock, its claim, our claim response, its response
    int create = indexOf(snapshot, claimResponse, "PUBLISH", "IOInfo\\|CreateEgress\\|REQ");
    int lock = indexOf(snapshot, create, "SET", "[A-Za-z0-9+/]{43}=");
    int ioClaim = indexOf(snapshot, lock, "PUBLISH", "IOInfo\\|CLI_\\w{12}\\|CLAIM");
    int ioClaimResponse = indexOf(snapshot, ioClaim, "PUBLISH", "IOInfo\\|CreateEgress\\|RCLAIM");
    int ioResponse = indexOf(snapshot, ioClaimResponse, "PUBLISH", "IOInfo\\|CLI_\\w{12}\\|RES");
    assertThat(List.of(request, claim, claimResponse, handlerTopic, response, create, lock, ioClaim, ioClaimResponse, ioResponse))
        .as("trace in %s", out).allMatch(i -> i >= 0);
    assertThat(handlerTopic).isLessThan(response);
    assertThat(snapshot.get(lock).line()).containsIgnoringCase("\"EX\" \"5\"").containsIgnoringCase("\"NX\"");
    // the egress never publishes UpdateEgress before CreateEgress completed
    int firstUpdate = indexOf(snapshot, 0, "PUBLISH", "IOInfo\\|UpdateEgress\\|REQ");
    assertThat(firstUpdate < 0 || firstUpdate > ioResponse).isTrue();
  }

  /** Index of the first command at or after {@code from} whose name and first argument match, or -1. */
  static int indexOf(List<Command> trace, int from, String name, String argRegex) {
    if (from < 0) {
      return -1;
    }
    Pattern n = Pattern.compile(name);
    Pattern a = Pattern.compile(argRegex);
    synchronized (trace) {
      for (int i = from; i < trace.size(); i++) {
        Command c = trace.get(i);
        if (n.matcher(c.name()).matches() && (a.matcher(c.arg()).matches() || a.matcher(c.line()).matches())) {
          return i;
        }
      }
    }
    return -1;
  }
}
