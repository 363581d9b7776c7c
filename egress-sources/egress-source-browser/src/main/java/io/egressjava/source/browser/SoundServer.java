package io.egressjava.source.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PulseAudio daemon shared by all egresses of this process (started if none answers on our
 * socket) and one null sink per egress: Chrome plays into the sink ({@code PULSE_SINK}) and the
 * capture reads its monitor.
 */
public final class SoundServer {
  private static final Logger log = LoggerFactory.getLogger(SoundServer.class);
  /** Sinks we create are named with this prefix, so orphans can be found after a crash. */
  public static final String SINK_PREFIX = "egressjava_";

  private final Path runtimeDir;
  private boolean stopHookAdded;

  public SoundServer(Path runtimeDir) {
    this.runtimeDir = runtimeDir;
  }

  /** The server address for clients (Chrome, FFmpeg's pulse input, pactl). */
  public String address() {
    return "unix:" + runtimeDir.resolve("pulse/native");
  }

  public Map<String, String> clientEnv() {
    return Map.of("PULSE_SERVER", address(), "XDG_RUNTIME_DIR", runtimeDir.toString());
  }

  /** Starts the daemon unless it already runs. */
  public synchronized void ensureRunning() {
    if (pactl("info").exit == 0) {
      return;
    }
    try {
      Files.createDirectories(runtimeDir);
      ProcessBuilder pb = new ProcessBuilder("pulseaudio", "-D", "--exit-idle-time=-1", "--disallow-exit",
          "--log-target=stderr", "-n", "--load=module-native-protocol-unix", "--load=module-always-sink")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
      pb.environment().put("HOME", runtimeDir.toString());
      Process p = pb.start();
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new BrowserException("pulseaudio did not start: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pactl("info").exit != 0) {
      if (System.nanoTime() > deadline) {
        throw new BrowserException("pulseaudio did not start (no answer on " + address() + ")");
      }
      sleep(100);
    }
    stopWithTheJvm();
  }

  /**
   * The daemon outlives us otherwise (it runs detached, with exit requests disallowed): stop it
   * when this JVM exits. A JVM that is killed leaves it to {@link OrphanReaper} at the next start.
   */
  private void stopWithTheJvm() {
    if (stopHookAdded) {
      return;
    }
    try {
      // read now: the runtime directory may be gone by the time the JVM exits
      long pid = Long.parseLong(Files.readString(runtimeDir.resolve("pulse/pid")).trim());
      ProcessHandle.of(pid).ifPresent(daemon -> {
        stopHookAdded = true;
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::destroy, "pulseaudio-stop"));
      });
    } catch (IOException | NumberFormatException e) {
      log.debug("no pid file for the PulseAudio daemon: {}", e.getMessage());
    }
  }

  /** The name of an egress's null sink. */
  public static String sinkName(String egressId) {
    return SINK_PREFIX + egressId.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** A null sink for one egress. */
  public Sink createSink(String egressId) {
    String name = sinkName(egressId);
    Result r = pactl("load-module", "module-null-sink", "sink_name=" + name, "rate=48000", "channels=2",
        "sink_properties=device.description=" + name);
    if (r.exit != 0) {
      throw new BrowserException("cannot create audio sink " + name + ": " + r.output.trim());
    }
    return new Sink(name, Integer.parseInt(r.output.trim()));
  }

  /** The null sinks this project created (named with {@link #SINK_PREFIX}), in use or not. */
  public List<Sink> ourSinks() {
    List<Sink> sinks = new ArrayList<>();
    Result r = pactl("list", "short", "modules");
    for (String line : r.output.split("\\R")) {
      String[] f = line.split("\t");
      if (f.length >= 3 && f[1].equals("module-null-sink") && f[2].contains("sink_name=" + SINK_PREFIX)) {
        String name = f[2].replaceAll(".*sink_name=(\\S+).*", "$1");
        sinks.add(new Sink(name, Integer.parseInt(f[0])));
      }
    }
    return sinks;
  }

  public void remove(Sink sink) {
    Result r = pactl("unload-module", String.valueOf(sink.module()));
    if (r.exit != 0) {
      log.warn("could not remove audio sink {}: {}", sink.name(), r.output.trim());
    }
  }

  /** A null sink: Chrome plays into {@link #name()}, capture reads {@link #monitor()}. */
  public record Sink(String name, int module) {
    public String monitor() {
      return name + ".monitor";
    }
  }

  private record Result(int exit, String output) {}

  private Result pactl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("pactl", "--server=" + address()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "pactl timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
