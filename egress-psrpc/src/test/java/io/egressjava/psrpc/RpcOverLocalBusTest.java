package io.egressjava.psrpc;

import org.junit.jupiter.api.AfterEach;

/** The same contract on the in-process bus: every "process" shares one {@link LocalBus}. */
class RpcOverLocalBusTest extends RpcContract {
  private final LocalBus shared = new LocalBus();

  @AfterEach
  void closeBus() {
    shared.close();
  }

  @Override
  MessageBus bus() {
    return new MessageBus() { // one process's view: closing it must not end the others'
      @Override
      public void publish(String channel, byte[] payload) {
        shared.publish(channel, payload);
      }

      @Override
      public Subscription subscribe(String channel, boolean queue, Listener listener) {
        return shared.subscribe(channel, queue, listener);
      }

      @Override
      public boolean awaitSubscribed(java.util.Collection<String> channels, java.time.Duration timeout) {
        return shared.awaitSubscribed(channels, timeout);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  void awaitSubscribed(MessageBus... buses) {
    // live when subscribe returned
  }
}
