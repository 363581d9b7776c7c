package io.egressjava.server;

import io.egressjava.api.rpc.ListActiveEgressRequest;
import io.egressjava.api.rpc.ListActiveEgressResponse;
import io.egressjava.psrpc.MessageBus;
import io.egressjava.psrpc.RpcClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether this is the only egress instance on its Redis, by asking every instance's
 * ListActiveEgress (this one answers too) now and every {@link #INTERVAL}. The reference claims an
 * idle instance's StartEgress with affinity 0.5 so that an instance already busy gets it; with no
 * other instance that only costs the request livekit-server's 500 ms wait for a better claim. An
 * instance is alone from its second check on (one {@link #INTERVAL} after it started).
 */
final class PeerWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerWatch.class);
  static final Duration INTERVAL = Duration.ofSeconds(5);
  /** How long answers are collected: every instance answers from memory, within milliseconds. */
  static final Duration ANSWERS = Duration.ofMillis(300);
  /** After a check nobody answered: soon again, not a whole interval later. */
  static final Duration RETRY = Duration.ofSeconds(1);

  private final RpcClient internal;
  private final Consumer<Boolean> onChange;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "peer-watch");
    t.setDaemon(true);
    return t;
  });
  private Boolean alone;
  private boolean lastAnswer;

  /** @param onChange told whether this instance is alone, at the first answer and on every change */
  PeerWatch(MessageBus bus, Consumer<Boolean> onChange) {
    this.internal = new RpcClient(bus, EgressRpc.EGRESS_INTERNAL);
    this.onChange = onChange;
  }

  void start() {
    timer.execute(this::checkAndReschedule);
  }

  private void checkAndReschedule() {
    boolean answered = false;
    try {
      answered = check();
    } finally {
      try {
        timer.schedule(this::checkAndReschedule, (answered ? INTERVAL : RETRY).toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closed meanwhile
      }
    }
  }

  /**
   * Asks once. Alone only when the answer before said so too: instances started together (a
   * cluster's rollout) each answer alone at first, and one taking every idle request fully would
   * undo the reference's "busy before idle". No answer at all (not even this instance's) counts as
   * not alone before anything is known, and is left out of the count after.
   *
   * @return whether anyone answered
   */
  boolean check() {
    int answers;
    try {
      answers = internal.callMulti(EgressRpc.LIST_ACTIVE_EGRESS, "", ListActiveEgressRequest.getDefaultInstance(),
          ListActiveEgressResponse.parser(), RpcClient.CallOptions.multi(ANSWERS)).size();
    } catch (RuntimeException e) {
      log.debug("peer check failed: {}", e.getMessage());
      answers = 0;
    }
    if (answers == 0 && alone != null) {
      log.debug("peer check: no answer in {} ms, not even this instance's; asking again", ANSWERS.toMillis());
      return false;
    }
    boolean answer = answers == 1;
    boolean now = answer && lastAnswer;
    lastAnswer = answer;
    if (alone == null || alone != now) {
      alone = now;
      log.info(now ? "no other egress instance answers on this Redis: an idle instance claims with affinity 1.0"
          : "other egress instances answer on this Redis: an idle instance claims with affinity 0.5, as the reference");
      onChange.accept(now);
    }
    return answers > 0;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    internal.close();
  }
}
