package io.egressjava.server;

import io.egressjava.api.config.ConfigException;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.psrpc.RedisBus;
import io.egressjava.server.handler.HandlerProcesses;
import io.egressjava.server.spool.SpoolRecovery;
import io.egressjava.server.spool.SpoolSalvage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar egress-server.jar [--config file | --config-body yaml]} (or EGRESS_CONFIG_FILE /
 * EGRESS_CONFIG_BODY): the drop-in service; {@code --check} only checks that everything it runs
 * loads ({@link RuntimeCheck}). SIGTERM stops taking work and lets running egresses
 * finish; SIGINT also ends them gracefully ("Process killed"), outputs finalized; then it exits.
 * (SIGQUIT stays the JVM's thread dump, unlike the Go egress where it drains like SIGTERM.)
 */
public final class EgressServerMain {
  private static final Logger log = LoggerFactory.getLogger(EgressServerMain.class);

  private EgressServerMain() {}

  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 1 && args[0].equals("--check")) {
      System.exit(RuntimeCheck.run(System.out));
    }
    EgressConfig config;
    String body;
    try {
      EgressConfigLoader.Loaded loaded = EgressConfigLoader.load(args, System.getenv());
      config = loaded.config();
      body = loaded.body();
      io.egressjava.server.logging.LogSetup.apply(config.logging());
      loaded.warnings().forEach(w -> log.warn("{}", w));
    } catch (ConfigException e) {
      System.err.println("egress-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.redis() != null && !config.redis().sentinelAddresses().isEmpty() && config.redis().sentinelMasterName().isEmpty()) {
      System.err.println("egress-server: config key 'redis.sentinel_master_name' is required with 'redis.sentinel_addresses'");
      System.exit(2);
      return;
    }
    if (config.redis() == null || !config.redis().isConfigured()) {
      System.err.println("egress-server: config key 'redis.address' (or 'redis.sentinel_addresses', 'redis.cluster_addresses') is required");
      System.exit(2);
      return;
    }
    new EgressServerMain().run(config, body);
  }

  private void run(EgressConfig config, String body) {
    JvmFootprint.applyToService();
    RedisBus bus = new RedisBus(redisEndpoint(config.redis()));
    HandlerProcesses runners = new HandlerProcesses(config, body, config.tmpDir());
    EgressService service = new EgressService(config, bus, runners, Clock.systemUTC());
    // before the first egress: every spool there now was left by an earlier run
    SpoolRecovery recovery = new SpoolRecovery(config, new SpoolSalvage(config, Path.of("/")),
        info -> service.reportRecovered(info, Duration.ofMinutes(1)), Clock.systemUTC()).start(config.tmpDir());
    service.start();
    CpuMonitor cpu = new CpuMonitor(service.admission(), config.cpuCost(), runners::running, runners::upkeep).start();
    MemoryMonitor memory = new MemoryMonitor(service.admission(), config.cpuCost(), runners::running).start();
    List<AutoCloseable> servers = new ArrayList<>();
    if (config.healthPort() > 0) {
      servers.add(StatusServer.health(config.bindAddress(), config.healthPort(), service, config.apiKey(),
          config.apiSecret(), cpu, memory));
    }
    if (config.debugHandlerPort() > 0) {
      servers.add(DebugServer.start(config.bindAddress(), config.debugHandlerPort(), runners::running));
    }
    if (config.prometheusPort() > 0) {
      servers.add(StatusServer.metrics(config.bindAddress(), config.prometheusPort(),
          new NodeMetrics(service, cpu, memory, service.serverId(), config.clusterId())));
    }
    CountDownLatch exit = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> shutdown(service, exit, false));
    Signal.handle(new Signal("INT"), s -> shutdown(service, exit, true));
    log.info("egress-server {} ready (cluster '{}', {} cores)", service.serverId(), config.clusterId(),
        service.admission().available());
    try {
      exit.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    servers.forEach(EgressServerMain::closeQuietly);
    cpu.close();
    memory.close();
    recovery.close();
    service.close();
    runners.close();
    bus.close();
    log.info("egress-server stopped");
    System.exit(0);
  }

  /** Where Redis is and how to log in, from the config's {@code redis:} section (as livekit-server reads it). */
  static RedisBus.Endpoint redisEndpoint(io.egressjava.api.config.ServiceSettings.Redis r) {
    if (r.tls().insecure() || !r.tls().caCertFile().isEmpty() || !r.tls().clientCertFile().isEmpty()) {
      log.warn("redis.tls: insecure, ca_cert_file and client certificates are not used; TLS checks the server "
          + "against the JVM's trust store");
    }
    RedisBus.Endpoint where;
    if (!r.clusterAddresses().isEmpty()) {
      if (r.db() != 0) {
        log.warn("redis.db {} is not used: a Redis Cluster has database 0 only", r.db());
      }
      where = RedisBus.Endpoint.cluster(r.clusterAddresses());
    } else if (!r.sentinelAddresses().isEmpty()) {
      where = RedisBus.Endpoint.sentinel(r.sentinelMasterName(), r.sentinelAddresses(), r.sentinelUsername(), r.sentinelPassword());
    } else {
      where = RedisBus.Endpoint.of(r.address());
    }
    return where.with(r.username(), r.password(), r.db(), r.useTls() || r.tls().enabled());
  }

  private static void shutdown(EgressService service, CountDownLatch exit, boolean endRunning) {
    new Thread(() -> {
      log.info("{}: no new egresses; waiting for {} running", endRunning ? "SIGINT" : "SIGTERM", service.running().size());
      if (endRunning) {
        service.stopAll(EgressSession.PROCESS_KILLED);
      }
      service.drain(Duration.ofDays(1));
      exit.countDown();
    }, "shutdown").start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing: {}", e.getMessage());
    }
  }
}
