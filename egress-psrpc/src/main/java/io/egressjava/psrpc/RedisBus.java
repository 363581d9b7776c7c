package io.egressjava.psrpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.SetParams;

/**
 * psrpc's message bus on Redis: PUBLISH on one pooled client, and one dedicated SUBSCRIBE
 * connection per process that is re-established (with every channel re-subscribed) whenever Redis
 * goes away. Queue subscriptions take psrpc's lock ({@code SET base64(sha256(payload)) n EX 5 NX})
 * so that only one process handles each message.
 */
public final class RedisBus implements MessageBus {
  private static final Logger log = LoggerFactory.getLogger(RedisBus.class);
  private static final long QUEUE_LOCK_SECONDS = 5;
  private static final int POOL_SIZE = 8;
  /** How long a command waits for Sentinel's new master. */
  private static final long FAILOVER_WAIT_NANOS = 15_000_000_000L;

  /**
   * Where Redis is: one address; or the master that Sentinel names ({@link #sentinel} not null); or
   * a Redis Cluster ({@link #cluster} not empty: some of its nodes, the rest are discovered).
   */
  public record Endpoint(String host, int port, String user, String password, int database, boolean tls, Sentinel sentinel,
      List<String> cluster) {
    public static Endpoint of(String address) {
      HostAndPort hp = hostAndPort(address);
      return new Endpoint(hp.getHost(), hp.getPort(), "", "", 0, false, null, List.of());
    }

    /** The master named {@code masterName} by these Sentinels (host:port each). */
    public static Endpoint sentinel(String masterName, List<String> addresses, String sentinelUser, String sentinelPassword) {
      return new Endpoint("", 0, "", "", 0, false, new Sentinel(masterName, List.copyOf(addresses), sentinelUser, sentinelPassword),
          List.of());
    }

    /** A Redis Cluster reached through these nodes (host:port each). */
    public static Endpoint cluster(List<String> nodes) {
      return new Endpoint("", 0, "", "", 0, false, null, List.copyOf(nodes));
    }

    /** The same Redis with these credentials ("" for none), database and TLS (for the data nodes). */
    public Endpoint with(String user, String password, int database, boolean tls) {
      return new Endpoint(host, port, user, password, database, tls, sentinel, cluster);
    }

    public Endpoint(String host, int port, String user, String password, int database, boolean tls) {
      this(host, port, user, password, database, tls, null, List.of());
    }
  }

  /** Sentinel's view of the master: its name, the Sentinels' addresses, and their own login. */
  public record Sentinel(String masterName, List<String> addresses, String user, String password) {}

  /** How to talk to a Redis (a data node, or a Sentinel): RESP2, as psrpc's pub/sub uses it; 2 s timeouts. */
  private static JedisClientConfig clientConfig(String user, String password, int database, boolean tls) {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
        .protocol(redis.clients.jedis.RedisProtocol.RESP2)
        .database(database)
        .ssl(tls)
        .connectionTimeoutMillis(2000)
        .socketTimeoutMillis(2000);
    if (!password.isEmpty()) {
      b.password(password);
      if (!user.isEmpty()) {
        b.user(user);
      }
    }
    return b.build();
  }

  private static HostAndPort hostAndPort(String address) {
    int colon = address.lastIndexOf(':');
    return colon < 0 ? new HostAndPort(address, 6379)
        : new HostAndPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
  }

  private record Sub(Listener listener, boolean queue) {}

  private final Endpoint endpoint;
  private final JedisClientConfig clientConfig;
  private final UnifiedJedis commands;
  private final Map<String, List<Sub>> subscriptions = new ConcurrentHashMap<>();
  private final Object connectionLock = new Object();
  private final ExecutorService dispatch;
  private final Thread reader;
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile PubSub current;
  private volatile boolean closed;
  /** Which of a cluster's nodes the subscriber connects to next (only the subscriber thread touches it). */
  private int nextNode;

  public RedisBus(Endpoint endpoint) {
    this.endpoint = endpoint;
    // a cluster has database 0 only
    this.clientConfig = clientConfig(endpoint.user(), endpoint.password(), endpoint.cluster().isEmpty() ? endpoint.database() : 0,
        endpoint.tls());
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(POOL_SIZE);
    if (!endpoint.cluster().isEmpty()) {
      // a cluster routes each key to its slot's node; a PUBLISH reaches the subscribers of every node
      this.commands = RedisClusterClient.builder()
          .nodes(endpoint.cluster().stream().map(RedisBus::hostAndPort).collect(java.util.stream.Collectors.toSet()))
          .clientConfig(clientConfig)
          .poolConfig(pool)
          .build();
    } else if (endpoint.sentinel() == null) {
      this.commands = RedisClient.builder()
          .hostAndPort(new HostAndPort(endpoint.host(), endpoint.port()))
          .clientConfig(clientConfig)
          .poolConfig(pool)
          .build();
    } else {
      // Sentinel names the master and tells of a failover (+switch-master): the pool follows it
      Sentinel st = endpoint.sentinel();
      this.commands = RedisSentinelClient.builder()
          .masterName(st.masterName())
          .sentinels(st.addresses().stream().map(RedisBus::hostAndPort).collect(java.util.stream.Collectors.toSet()))
          .sentinelClientConfig(clientConfig(st.user(), st.password(), 0, false))
          .clientConfig(clientConfig)
          .poolConfig(pool)
          .build();
    }
    AtomicInteger n = new AtomicInteger();
    this.dispatch = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "psrpc-dispatch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.reader = new Thread(this::readLoop, "psrpc-redis-subscriber");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Checks that Redis answers (the reference pings at start-up). */
  public void ping() {
    withReconnect(commands::ping);
  }

  @Override
  public void publish(String channel, byte[] payload) {
    withReconnect(() -> commands.publish(channel.getBytes(StandardCharsets.UTF_8), payload));
  }

  /**
   * Runs a command, retrying on broken connections: after Redis restarts, every pooled connection
   * is dead, and each failed attempt discards one.
   */
  private <T> T withReconnect(java.util.function.Supplier<T> command) {
    JedisConnectionException last = null;
    // behind Sentinel a master may be down for its failover (down-after-milliseconds, then the
    // election): commands wait for the new one rather than fail
    long deadline = System.nanoTime() + (endpoint.sentinel() == null ? 0 : FAILOVER_WAIT_NANOS);
    for (int attempt = 0; attempt < POOL_SIZE + 2 || System.nanoTime() < deadline; attempt++) {
      try {
        return command.get();
      } catch (JedisConnectionException e) {
        last = e;
        if (attempt >= POOL_SIZE) {
          sleep(100);
        }
      }
    }
    throw last;
  }

  /** How many times the subscriber connection has been (re-)established. */
  public int connectionCount() {
    return connections.get();
  }

  /** Whether every wanted channel is subscribed on a live connection. */
  public boolean isSubscribed(String channel) {
    PubSub ps = current;
    return ps != null && ps.active.contains(channel);
  }

  /**
   * Waits until Redis has confirmed the subscription of every channel (a PUBLISH before that is
   * lost for this process); false when the timeout passed first.
   */
  @Override
  public boolean awaitSubscribed(java.util.Collection<String> channels, java.time.Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      PubSub ps = current;
      if (ps != null && ps.active.containsAll(channels)) {
        return true;
      }
      sleep(5);
    }
    return false;
  }

  /** Whether every channel with a listener is confirmed subscribed on the live connection. */
  public boolean isFullySubscribed() {
    PubSub ps = current;
    return ps != null && ps.active.containsAll(subscriptions.keySet());
  }

  /** Closing the subscription unsubscribes the channel when nobody else in this process listens to it. */
  @Override
  public Subscription subscribe(String channel, boolean queue, Listener listener) {
    Sub sub = new Sub(listener, queue);
    synchronized (connectionLock) {
      List<Sub> list = subscriptions.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
      list.add(sub);
      if (list.size() == 1) {
        PubSub ps = current;
        if (ps != null && ps.isSubscribed()) {
          ps.request(Set.of(channel));
        }
        connectionLock.notifyAll();
      }
    }
    return () -> unsubscribe(channel, sub);
  }

  private void unsubscribe(String channel, Sub sub) {
    synchronized (connectionLock) {
      List<Sub> list = subscriptions.get(channel);
      if (list == null || !list.remove(sub) || !list.isEmpty()) {
        return;
      }
      subscriptions.remove(channel);
      PubSub ps = current;
      if (ps != null && ps.isSubscribed()) {
        ps.requested.remove(channel);
        ps.unsubscribe(bytes(channel));
      }
    }
  }

  private void readLoop() {
    long backoffMs = 100;
    while (!closed) {
      byte[][] channels;
      PubSub ps = new PubSub();
      synchronized (connectionLock) {
        while (subscriptions.isEmpty() && !closed) {
          try {
            connectionLock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        ps.requested.addAll(subscriptions.keySet());
        channels = ps.requested.stream().map(RedisBus::bytes).toArray(byte[][]::new);
      }
      try (Jedis jedis = new Jedis(master(), clientConfig)) {
        current = ps;
        connections.incrementAndGet();
        backoffMs = 100;
        jedis.subscribe(ps, channels); // blocks until every channel is unsubscribed or the connection drops
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn("redis subscriber connection lost ({}); reconnecting in {} ms", e.getMessage(), backoffMs);
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1000);
      } finally {
        ps.active.clear();
        current = null;
      }
    }
  }

  /** Where to subscribe: the one address, or the master Sentinel names now (after a failover, the new one). */
  private HostAndPort master() {
    if (!endpoint.cluster().isEmpty()) {
      // any node: a cluster's PUBLISH goes to the subscribers of all of them; the next one after a drop
      return hostAndPort(endpoint.cluster().get(Math.floorMod(nextNode++, endpoint.cluster().size())));
    }
    return commands instanceof RedisSentinelClient sentinel ? sentinel.getCurrentMaster()
        : new HostAndPort(endpoint.host(), endpoint.port());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void deliver(String channel, byte[] payload) {
    List<Sub> subs = subscriptions.get(channel);
    if (subs == null) {
      return;
    }
    for (Sub sub : subs) {
      dispatch.execute(() -> {
        try {
          if (sub.queue() && !acquireQueueLock(payload)) {
            return;
          }
          sub.listener().onMessage(payload);
        } catch (RuntimeException e) {
          log.error("psrpc listener on {} failed", channel, e);
        }
      });
    }
  }

  /** psrpc's queue lock: only the subscriber whose SET NX succeeds handles the message. */
  private boolean acquireQueueLock(byte[] payload) {
    String key = Base64.getEncoder().encodeToString(sha256(payload));
    String reply = withReconnect(() -> commands.set(key, Integer.toString(random.nextInt(Integer.MAX_VALUE)),
        SetParams.setParams().nx().ex(QUEUE_LOCK_SECONDS)));
    return "OK".equals(reply);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    synchronized (connectionLock) {
      PubSub ps = current;
      if (ps != null && ps.isSubscribed()) {
        try {
          ps.unsubscribe();
        } catch (RuntimeException ignored) {
          // connection already gone
        }
      }
      connectionLock.notifyAll();
    }
    reader.interrupt();
    dispatch.shutdown();
    commands.close();
  }

  /** One subscriber connection's callbacks; reconciles channels wanted while it was connecting. */
  private final class PubSub extends BinaryJedisPubSub {
    final Set<String> active = ConcurrentHashMap.newKeySet();
    /** Channels a SUBSCRIBE was sent for on this connection. */
    final Set<String> requested = ConcurrentHashMap.newKeySet();

    void request(Set<String> channels) {
      requested.addAll(channels);
      subscribe(channels.stream().map(RedisBus::bytes).toArray(byte[][]::new));
    }

    @Override
    public void onMessage(byte[] channel, byte[] message) {
      deliver(new String(channel, StandardCharsets.UTF_8), message);
    }

    @Override
    public void onSubscribe(byte[] channel, int subscribedChannels) {
      active.add(new String(channel, StandardCharsets.UTF_8));
      reconcile();
    }

    @Override
    public void onUnsubscribe(byte[] channel, int subscribedChannels) {
      active.remove(new String(channel, StandardCharsets.UTF_8));
    }

    /** Subscribes channels added before this connection was ready, drops ones removed meanwhile. */
    private void reconcile() {
      synchronized (connectionLock) {
        if (!isSubscribed()) {
          return;
        }
        Set<String> missing = new HashSet<>(subscriptions.keySet());
        missing.removeAll(requested);
        if (!missing.isEmpty()) {
          request(missing);
        }
      }
    }
  }
}
