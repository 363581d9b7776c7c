package io.egressjava.psrpc;

import io.egressjava.testrig.Ports;
import io.egressjava.testrig.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Our psrpc client against our psrpc servers over a real redis-server (Go interop is in egress-server's ITs). */
class RpcOverRedisIT extends RpcContract {
  static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = new RedisServer().start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  MessageBus bus() {
    return new RedisBus(RedisBus.Endpoint.of(redis.address()));
  }

  @Override
  void awaitSubscribed(MessageBus... buses) {
    Ports.await(Duration.ofSeconds(5), "subscriptions",
        () -> java.util.Arrays.stream(buses).allMatch(b -> ((RedisBus) b).isFullySubscribed()));
  }
}
