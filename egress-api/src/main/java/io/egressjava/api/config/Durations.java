package io.egressjava.api.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations ("1h30m", "90m", "500ms", "1.5s", "0s"), as the reference's YAML accepts them. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private Durations() {}

  /** Parses a Go duration string; throws IllegalArgumentException with a readable reason. */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double nanos = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("not a duration such as 90m, 1h30m or 500ms");
      }
      nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
      pos = m.end();
    }
    long n = Math.round(nanos);
    return Duration.ofNanos(negative ? -n : n);
  }

  private static double unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs", "μs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }

  /** Formats like Go's Duration.String() for whole units we print in messages ("1h30m0s"). */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    double s = d.toSecondsPart() + d.toNanosPart() / 1e9;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    b.append(s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)).append('s');
    return b.toString();
  }
}
