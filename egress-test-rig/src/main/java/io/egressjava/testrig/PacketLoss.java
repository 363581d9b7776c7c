package io.egressjava.testrig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random packet loss on the test namespace's own path, with nftables (tc netem is not available
 * on these kernels, deps.md §8): drops a share of the UDP datagrams sent from one port, e.g. the
 * SFU's media port, and counts what it dropped. Needs root inside the test namespace.
 */
public final class PacketLoss implements AutoCloseable {
  private final String table = "egress_loss_" + ProcessHandle.current().pid();

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

  /** Datagrams dropped so far. */
  public long dropped() {
    Matcher m = Pattern.compile("counter packets (\\d+)").matcher(nft("list", "table", "inet", table));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Override
  public void close() {
    nft("delete", "table", "inet", table);
  }

  private String nft(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("nft"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run nft (apt package nftables): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
