package io.egressjava.testrig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis master, one replica and three Sentinels watching them as {@value #MASTER}, all on
 * loopback: the HA set-up LiveKit deployments use. A master is declared down after 1 s without
 * answers; {@link #failOver} kills it and waits for the replica to be promoted.
 */
public final class RedisSentinels implements AutoCloseable {
  public static final String MASTER = "mymaster";
  private final RedisServer master = new RedisServer();
  private final RedisServer replica;
  private final List<ManagedProcess> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();

  public RedisSentinels() {
    replica = RedisServer.replicaOf(master.port());
    String binary = ManagedProcess.findExecutable("EGRESS_REDIS_SERVER", "redis-server");
    try {
      for (int i = 0; i < 3; i++) {
        int port = Ports.free();
        Path conf = Files.createTempDirectory("egress-sentinel-").resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1",
            "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 2",
            "sentinel down-after-milliseconds " + MASTER + " 1000",
            "sentinel failover-timeout " + MASTER + " 10000",
            "sentinel parallel-syncs " + MASTER + " 1", ""));
        sentinelPorts.add(port);
        sentinels.add(new ManagedProcess("sentinel-" + port, List.of(binary, conf.toString(), "--sentinel")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts all and waits until every Sentinel knows the replica (a failover can then promote it). */
  public RedisSentinels start() {
    master.start();
    replica.start();
    sentinels.forEach(ManagedProcess::start);
    for (int port : sentinelPorts) {
      Ports.await(Duration.ofSeconds(30), "sentinel " + port + " to see the replica",
          () -> RedisCli.run(port, "SENTINEL", "replicas", MASTER).contains(Integer.toString(replica.port())));
    }
    return this;
  }

  /** The Sentinels' addresses (host:port). */
  public List<String> addresses() {
    return sentinelPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /** The master's port as the first Sentinel names it now. */
  public int masterPort() {
    String[] reply = RedisCli.run(sentinelPorts.get(0), "SENTINEL", "get-master-addr-by-name", MASTER).trim().split("\\s+");
    return reply.length < 2 ? -1 : Integer.parseInt(reply[1]);
  }

  /** Kills the master and waits until the Sentinels have promoted the replica. */
  public void failOver(Duration limit) {
    master.stop();
    Ports.await(limit, "the Sentinels to promote the replica", () -> masterPort() == replica.port());
  }

  public int replicaPort() {
    return replica.port();
  }

  @Override
  public void close() {
    sentinels.forEach(ManagedProcess::close);
    replica.close();
    master.close();
  }
}
