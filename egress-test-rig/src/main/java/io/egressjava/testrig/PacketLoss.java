package io.egressjava.testrig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random packet loss, or a blackout, on the test namespace's own path, with nftables (tc netem is
 * not available on these kernels, deps.md §8), counting what it dropped. Needs root inside the
 * test namespace.
 *
 * <ul>
 *   <li>{@link #fromUdpPort}: a share of the UDP datagrams sent from one port, e.g. the SFU's media
 *       port (everyone it sends to loses them);
 *   <li>{@link #ofProcesses}: a share of the UDP datagrams to and from the sockets of some processes
 *       (say one egress handler, not the publisher nor the SFU): their ports are looked up with
 *       {@code ss} every {@value #REFRESH_MS} ms, so a socket opened during the fault (an ICE
 *       restart, a rejoin) is cut as well. 100 % is a blackout.
 * </ul>
 */
public final class PacketLoss implements AutoCloseable {
  private static final long REFRESH_MS = 100;
  private static final Pattern PORT_AND_PID = Pattern.compile("\\S+:(\\d+)\\s+\\S+\\s+users:\\(.*pid=(\\d+),");

  private final String table = "egress_loss_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
  private volatile boolean closed;
  private Thread refresher;

  private PacketLoss() {}

  /** Drops {@code percent}% of the UDP datagrams whose source port is {@code sourcePort}. */
  public static PacketLoss fromUdpPort(int sourcePort, int percent) {
    PacketLoss loss = new PacketLoss();
    loss.nft("add", "table", "inet", loss.table);
    loss.nft("add", "chain", "inet", loss.table, "in", "{ type filter hook input priority 0; }");
    loss.nft("add", "rule", "inet", loss.table, "in", "udp", "sport", String.valueOf(sourcePort), "numgen", "random",
        "mod", "100", "<", String.valueOf(percent), "counter", "drop");
    return loss;
  }

  /**
   * Drops {@code percent}% (100: all) of the UDP datagrams sent to or from any UDP socket of
   * {@code processes}, until closed.
   */
  public static PacketLoss ofProcesses(List<ProcessHandle> processes, int percent) {
    PacketLoss loss = new PacketLoss();
    loss.nft("add", "table", "inet", loss.table);
    loss.nft("add", "set", "inet", loss.table, "ports", "{ type inet_service; }");
    loss.nft("add", "chain", "inet", loss.table, "in", "{ type filter hook input priority 0; }");
    for (String direction : List.of("sport", "dport")) {
      List<String> rule = new ArrayList<>(List.of("add", "rule", "inet", loss.table, "in", "udp", direction, "@ports"));
      if (percent < 100) {
        rule.addAll(List.of("numgen", "random", "mod", "100", "<", String.valueOf(percent)));
      }
      rule.addAll(List.of("counter", "drop"));
      loss.nft(rule.toArray(String[]::new));
    }
    Set<Long> pids = new HashSet<>();
    processes.forEach(p -> pids.add(p.pid()));
    Set<Integer> cut = new HashSet<>();
    loss.refreshPorts(pids, cut); // in force before this returns
    loss.refresher = new Thread(() -> {
      while (!loss.closed) {
        try {
          Thread.sleep(REFRESH_MS);
          loss.refreshPorts(pids, cut);
        } catch (InterruptedException e) {
          return;
        } catch (IllegalStateException e) {
          if (!loss.closed) {
            throw e;
          }
        }
      }
    }, "packet-loss-ports");
    loss.refresher.setDaemon(true);
    loss.refresher.start();
    return loss;
  }

  private void refreshPorts(Set<Long> pids, Set<Integer> cut) {
    Set<Integer> now = new HashSet<>();
    for (String line : run(List.of("ss", "-uanpH")).split("\n")) {
      Matcher m = PORT_AND_PID.matcher(line);
      if (m.find() && pids.contains(Long.parseLong(m.group(2)))) {
        now.add(Integer.parseInt(m.group(1)));
      }
    }
    now.removeAll(cut);
    if (!now.isEmpty() && !closed) {
      nft("add", "element", "inet", table, "ports", "{ " + String.join(", ", now.stream().map(String::valueOf).toList())
          + " }");
      cut.addAll(now);
    }
  }

  /** Datagrams dropped so far. */
  public long dropped() {
    Matcher m = Pattern.compile("counter packets (\\d+)").matcher(nft("list", "table", "inet", table));
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  @Override
  public void close() {
    closed = true;
    if (refresher != null) {
      refresher.interrupt();
      try {
        refresher.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    nft("delete", "table", "inet", table);
  }

  private String nft(String... args) {
    List<String> cmd = new ArrayList<>(List.of("nft"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd.get(0) + " (apt packages nftables, iproute2): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
