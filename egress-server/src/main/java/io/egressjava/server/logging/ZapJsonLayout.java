package io.egressjava.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import io.egressjava.core.lifecycle.EgressLogFields;
import java.util.Locale;

/**
 * One JSON object per line with the field names of the Go egress's zap logger ({@code level},
 * {@code ts} in seconds, {@code logger}, {@code caller}, {@code msg}, {@code error}), so existing
 * log pipelines keep parsing egress logs; a line about an egress also carries {@code egressID},
 * {@code roomName} and {@code requestType} ({@link EgressLogFields}).
 */
public final class ZapJsonLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256).append('{');
    field(b, "level", level(event.getLevel())).append(',');
    b.append("\"ts\":").append(String.format(Locale.ROOT, "%.6f", event.getTimeStamp() / 1000.0)).append(',');
    field(b, "logger", "egress." + shortName(event.getLoggerName())).append(',');
    StackTraceElement[] caller = event.getCallerData();
    if (caller != null && caller.length > 0) {
      field(b, "caller", caller[0].getFileName() + ":" + caller[0].getLineNumber()).append(',');
    }
    field(b, "msg", event.getFormattedMessage());
    // the Go egress's per-egress fields, on every line about one
    EgressLogFields.of(event.getThreadName(), event.getFormattedMessage(), event.getMDCPropertyMap().get("egressID"))
        .ifPresent(f -> {
          field(b.append(','), "egressID", f.egressId());
          if (!f.roomName().isEmpty()) {
            field(b.append(','), "roomName", f.roomName());
          }
          if (!f.requestType().isEmpty()) {
            field(b.append(','), "requestType", f.requestType());
          }
        });
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      b.append(',');
      field(b, "error", error.getClassName() + ": " + error.getMessage());
      b.append(',');
      field(b, "stacktrace", ThrowableProxyUtil.asString(error));
    }
    return b.append("}\n").toString();
  }

  private static String level(Level level) {
    return level == Level.WARN ? "warn" : level.toString().toLowerCase(Locale.ROOT);
  }

  private static String shortName(String logger) {
    return logger.substring(logger.lastIndexOf('.') + 1);
  }

  private static StringBuilder field(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"');
  }
}
