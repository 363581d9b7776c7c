package io.egressjava.testrig;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Free loopback ports and readiness polling. Ports come from below the kernel's ephemeral range:
 * a port the kernel picked for {@code bind(0)} and then let go is also what it hands out as the
 * source port of the next outgoing connection (a Redis client, a publisher), and a test server
 * started on it a moment later failed "address already in use" (livekit-server, once in a suite).
 * Within one JVM the ports go round from a random start, so two calls do not give the same one.
 */
public final class Ports {
  private static final int LOW = 20_000;
  private static final int HIGH = Math.max(LOW + 1_000, ephemeralLow() - 1);
  private static final AtomicInteger NEXT = new AtomicInteger(new Random().nextInt(HIGH - LOW + 1));

  private Ports() {}

  public static int free() {
    for (int tries = 0; tries <= HIGH - LOW; tries++) {
      int port = LOW + Math.floorMod(NEXT.getAndIncrement(), HIGH - LOW + 1);
      if (bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOW + "-" + HIGH);
  }

  /** Free for TCP and UDP on loopback (test servers use either). */
  private static boolean bindable(int port) {
    try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The low end of the kernel's ephemeral port range (Linux's default if it cannot be read). */
  private static int ephemeralLow() {
    try {
      return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  public static boolean accepts(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until the condition holds; fails with the message after the timeout. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for " + what + " ["
        + MachineLoad.describe() + "]");
  }
}
