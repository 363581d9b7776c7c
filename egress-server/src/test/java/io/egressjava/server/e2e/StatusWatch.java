package io.egressjava.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.server.EgressServiceClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;

/**
 * Lists a room's egresses through the API every 200 ms, as a dashboard would, and keeps each
 * egress's statuses in the order seen: a status must never go back (it once went ENDING → ACTIVE).
 */
final class StatusWatch implements AutoCloseable {
  private final EgressServiceClient client;
  private final String room;
  private final Map<String, List<EgressStatus>> seen = new ConcurrentHashMap<>();
  private final Map<String, EgressInfo> last = new ConcurrentHashMap<>();
  private final java.util.Set<String> forgotten = ConcurrentHashMap.newKeySet();
  /** When each egress was first seen in each status (System.nanoTime). */
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final Thread poller;
  private volatile boolean running = true;

  StatusWatch(EgressServiceClient client, String room) {
    this.client = client;
    this.room = room;
    poller = new Thread(this::poll, "status-watch-" + room);
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    while (running) {
      try {
        var r = client.listEgress(room).execute();
        if (r.isSuccessful() && r.body() != null) {
          for (EgressInfo i : r.body()) {
            note(i);
          }
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // the server may be restarting in a test; keep polling
      }
    }
  }

  /** Also records infos the test got from other calls (start, stop, update answers). */
  void note(EgressInfo i) {
    if (forgotten.contains(i.getEgressId())) {
      return;
    }
    EgressInfo before = last.get(i.getEgressId());
    if (before != null && i.getUpdatedAt() < before.getUpdatedAt()) {
      return; // an answer the test looks at only now (the start's), older than what was listed since
    }
    last.put(i.getEgressId(), i);
    firstSeen.putIfAbsent(i.getEgressId() + "/" + i.getStatus(), System.nanoTime());
    List<EgressStatus> list = seen.computeIfAbsent(i.getEgressId(), k -> new ArrayList<>());
    synchronized (list) {
      if (list.isEmpty() || list.get(list.size() - 1) != i.getStatus()) {
        list.add(i.getStatus());
      }
    }
  }

  /** When the egress was first seen in {@code status} (System.nanoTime, within a poll of 200 ms), or null. */
  Long firstSeen(String egressId, EgressStatus status) {
    return firstSeen.get(egressId + "/" + status);
  }

  /** The egress as last listed. */
  /**
   * Not stopped at close: an egress no instance owns any more (given up to a duplicate identity),
   * whose StopEgress nobody would answer.
   */
  void forget(String egressId) {
    forgotten.add(egressId);
    last.remove(egressId);
  }

  EgressInfo info(String egressId) {
    return last.get(egressId);
  }

  List<EgressStatus> statuses(String egressId) {
    List<EgressStatus> list = seen.getOrDefault(egressId, List.of());
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** STARTING, ACTIVE, ENDING, then one end: every status seen is later in that order than the one before. */
  void assertNeverBackwards(String egressId) {
    List<EgressStatus> s = statuses(egressId);
    for (int i = 1; i < s.size(); i++) {
      assertThat(rank(s.get(i))).as("%s statuses %s", egressId, s).isGreaterThan(rank(s.get(i - 1)));
    }
  }

  private static int rank(EgressStatus s) {
    return switch (s) {
      case EGRESS_STARTING -> 0;
      case EGRESS_ACTIVE -> 1;
      case EGRESS_ENDING -> 2;
      default -> 3;
    };
  }

  /** Stops what a failed test left running (the next test must have the machine to itself), then stops polling. */
  @Override
  public void close() {
    for (Map.Entry<String, EgressInfo> e : last.entrySet()) {
      if (!io.egressjava.core.lifecycle.EgressSession.isTerminal(e.getValue().getStatus())) {
        try {
          client.stopEgress(e.getKey()).execute();
          Shipped.awaitStatus(this, e.getKey(), java.time.Duration.ofSeconds(60), "finished",
              io.egressjava.core.lifecycle.EgressSession::isTerminal);
        } catch (Exception | AssertionError ignored) {
          // best effort: the test has already failed
        }
      }
    }
    running = false;
    poller.interrupt();
  }
}
