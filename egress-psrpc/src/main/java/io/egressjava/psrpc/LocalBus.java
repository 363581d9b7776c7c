package io.egressjava.psrpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process {@link MessageBus}: every client and server given the same instance talks as they
 * would through one Redis. Delivery keeps Redis's semantics where psrpc depends on them: each
 * subscriber gets a message on a bus thread, a queue subscription's message goes to exactly one of
 * the queue subscribers on that channel (taking turns, as the lock race spreads them), and a
 * subscription is live as soon as {@link #subscribe} returns.
 */
public final class LocalBus implements MessageBus {
  private static final Logger log = LoggerFactory.getLogger(LocalBus.class);

  private record Sub(Listener listener, boolean queue) {}

  private final Map<String, List<Sub>> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> turns = new ConcurrentHashMap<>();
  private final ExecutorService dispatch;
  private volatile boolean closed;

  public LocalBus() {
    AtomicInteger n = new AtomicInteger();
    this.dispatch = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "psrpc-local-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void publish(String channel, byte[] payload) {
    if (closed) {
      throw new IllegalStateException("bus closed");
    }
    List<Sub> subs = subscriptions.getOrDefault(channel, List.of());
    List<Sub> queue = new ArrayList<>();
    for (Sub sub : subs) {
      if (sub.queue()) {
        queue.add(sub);
      } else {
        deliver(channel, sub, payload);
      }
    }
    if (!queue.isEmpty()) {
      int turn = turns.computeIfAbsent(channel, c -> new AtomicInteger()).getAndIncrement();
      deliver(channel, queue.get(Math.floorMod(turn, queue.size())), payload);
    }
  }

  private void deliver(String channel, Sub sub, byte[] payload) {
    byte[] copy = payload.clone(); // as over the wire: a listener never shares the publisher's array
    dispatch.execute(() -> {
      try {
        sub.listener().onMessage(copy);
      } catch (RuntimeException e) {
        log.error("psrpc listener on {} failed", channel, e);
      }
    });
  }

  @Override
  public Subscription subscribe(String channel, boolean queue, Listener listener) {
    Sub sub = new Sub(listener, queue);
    subscriptions.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(sub);
    return () -> subscriptions.computeIfPresent(channel, (c, list) -> {
      list.remove(sub);
      return list.isEmpty() ? null : list;
    });
  }

  @Override
  public boolean awaitSubscribed(Collection<String> channels, Duration timeout) {
    return channels.stream().allMatch(subscriptions::containsKey); // live when subscribe returned
  }

  @Override
  public void close() {
    closed = true;
    dispatch.shutdown();
  }
}
