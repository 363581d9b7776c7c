package io.egressjava.server;

import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.RequestType;
import io.egressjava.core.plan.StreamUrls;
import io.egressjava.webrtc.signal.SignalClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress;

/**
 * A trivial pipeline for control-plane tests (no media yet): ACTIVE shortly after start, COMPLETE
 * shortly after stop, stream URLs added and removed in the reported results.
 */
final class ScriptedRunner implements EgressRunner {
  static final ScheduledExecutorService TIMER = Executors.newScheduledThreadPool(1, r -> {
    Thread t = new Thread(r, "scripted-runner");
    t.setDaemon(true);
    return t;
  });
  static final List<String> STREAM_UPDATES = new CopyOnWriteArrayList<>();

  /** The latest metadata livekit-server gave each egress participant (set by UpdateLayout). */
  static final Map<String, String> OWN_METADATA = new ConcurrentHashMap<>();

  private EgressSession session;
  private SignalClient signal;

  ScriptedRunner(EgressPlan plan) {}

  @Override
  public void start(EgressPlan plan, EgressSession session) {
    this.session = session;
    if (plan.requestType() == RequestType.ROOM_COMPOSITE) {
      // join as the egress participant (identity = egress ID), as the Chrome template would
      String id = plan.egressId();
      signal = SignalClient.connect(plan.wsUrl(), plan.token(), r -> {
        if (r.hasUpdate()) {
          r.getUpdate().getParticipantsList().stream().filter(p -> p.getIdentity().equals(id))
              .forEach(p -> OWN_METADATA.put(id, p.getMetadata()));
        }
      }, Duration.ofSeconds(5));
    }
    TIMER.schedule(session::active, 100, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (signal != null) {
      signal.close();
    }
    TIMER.schedule(() -> session.complete(b -> {
      if (b.getFileResultsCount() > 0) {
        b.setFileResults(0, b.getFileResults(0).toBuilder().setSize(1234).setLocation("/tmp/" + b.getFileResults(0).getFilename()));
      }
    }), 100, TimeUnit.MILLISECONDS);
  }

  @Override
  public void updateStream(List<String> add, List<String> remove) {
    add.forEach(u -> STREAM_UPDATES.add("+" + u));
    remove.forEach(u -> STREAM_UPDATES.add("-" + u));
    session.update(b -> {
      for (String url : add) {
        b.addStreamResults(LivekitEgress.StreamInfo.newBuilder().setUrl(StreamUrls.redact(url))
            .setStatus(LivekitEgress.StreamInfo.Status.ACTIVE));
      }
      for (int i = 0; i < b.getStreamResultsCount(); i++) {
        String shown = b.getStreamResults(i).getUrl();
        if (remove.stream().anyMatch(u -> StreamUrls.redact(u).equals(shown))) {
          b.setStreamResults(i, b.getStreamResults(i).toBuilder().setStatus(LivekitEgress.StreamInfo.Status.FINISHED));
        }
      }
    });
  }
}
