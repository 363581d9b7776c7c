package io.egressjava.server.handler;

import io.egressjava.core.lifecycle.EgressRunner;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * What the debug port asks a handler about one of its egresses: its process's threads, its media
 * graph (DOT), or a Flight Recorder recording of the next seconds.
 */
final class EgressDebug {
  /** The longest recording asked for (the answer travels over the handler link in one frame). */
  static final int MAX_JFR_SECONDS = 60;
  /** Below the handler link's frame limit. */
  private static final long MAX_BYTES = 15L << 20;

  private EgressDebug() {}

  /** The answer to {@code what} ("threads", "graph", "jfr SECONDS"); an unknown question gets a text that says so. */
  static byte[] answer(String what, EgressRunner runner) {
    try {
      if (what.equals("threads")) {
        return text(threads());
      }
      if (what.equals("graph")) {
        return text(runner == null ? "digraph egress {\n  starting;\n}\n" : runner.describe());
      }
      if (what.startsWith("jfr ")) {
        return jfr(Math.max(1, Math.min(MAX_JFR_SECONDS, Integer.parseInt(what.substring(4).trim()))));
      }
      return text("error: unknown debug request '" + what + "'");
    } catch (IOException | ParseException | RuntimeException e) {
      return text("error: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return text("error: interrupted");
    }
  }

  /** Every thread of this handler process with its stack, as jstack prints them. */
  static String threads() {
    StringBuilder b = new StringBuilder("handler pid " + ProcessHandle.current().pid() + "\n\n");
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      b.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId()).append(' ').append(t.getThreadState());
      if (t.getLockName() != null) {
        b.append(" on ").append(t.getLockName());
      }
      b.append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        b.append("\tat ").append(e).append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static byte[] jfr(int seconds) throws IOException, ParseException, InterruptedException {
    Path file = Files.createTempFile("egress-debug-", ".jfr");
    try (Recording r = new Recording(Configuration.getConfiguration("default"))) {
      r.setName("egress-debug");
      r.start();
      Thread.sleep(seconds * 1000L);
      r.stop();
      r.dump(file);
      if (Files.size(file) > MAX_BYTES) {
        return text("error: the recording is " + Files.size(file) + " bytes, more than the link carries: ask for fewer seconds");
      }
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
