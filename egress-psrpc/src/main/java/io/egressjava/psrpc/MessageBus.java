package io.egressjava.psrpc;

import java.time.Duration;
import java.util.Collection;

/**
 * What psrpc needs of a pub/sub transport: publish to a channel, subscribe to one (a queue
 * subscription means one subscriber among all processes handles each message), and know when a
 * subscription is live, since a message published before that is lost for the subscriber.
 * {@link RedisBus} is the wire one; {@link LocalBus} connects clients and servers in one process
 * (tests of the service without Redis, or an embedder's own in-process control plane).
 */
public interface MessageBus extends AutoCloseable {
  /** Receives payloads of one subscription, on a thread of the bus (never the publisher's). */
  interface Listener {
    void onMessage(byte[] payload);
  }

  /** A subscription; closing it stops delivery to its listener. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  void publish(String channel, byte[] payload);

  Subscription subscribe(String channel, boolean queue, Listener listener);

  /** Waits until every channel is subscribed; false when the timeout passed first. */
  boolean awaitSubscribed(Collection<String> channels, Duration timeout);

  @Override
  void close();
}
