package io.egressjava.testrig;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A three-node Redis Cluster on loopback (masters only, the slots split by {@code redis-cli --cluster create}). */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisServer> nodes = new ArrayList<>();

  public RedisCluster() {
    for (int i = 0; i < 3; i++) {
      nodes.add(RedisServer.clusterNode());
    }
  }

  public RedisCluster start() throws IOException, InterruptedException {
    nodes.forEach(RedisServer::start);
    List<String> cmd = new ArrayList<>(List.of(ManagedProcess.findExecutable("EGRESS_REDIS_CLI", "redis-cli"), "--cluster",
        "create"));
    cmd.addAll(addresses());
    cmd.add("--cluster-yes");
    Process create = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(create.getInputStream().readAllBytes());
    if (create.waitFor() != 0) {
      throw new IOException("redis-cli --cluster create failed: " + out);
    }
    for (RedisServer n : nodes) {
      Ports.await(Duration.ofSeconds(30), "cluster_state:ok on " + n.address(), () -> RedisCli.run(n.port(), "cluster", "info").contains("cluster_state:ok"));
    }
    return this;
  }

  /** The nodes' addresses (host:port). */
  public List<String> addresses() {
    return nodes.stream().map(RedisServer::address).toList();
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }
}
