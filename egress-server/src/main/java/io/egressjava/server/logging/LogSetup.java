package io.egressjava.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.egressjava.api.config.ServiceSettings;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies the config's {@code logging} keys to Logback: level, per-component levels, JSON output. */
public final class LogSetup {
  private LogSetup() {}

  public static void apply(ServiceSettings.Logging logging) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J backend: the embedder configures it
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(logging.level()));
    logging.componentLevels().forEach((component, level) ->
        context.getLogger("io.egressjava." + component).setLevel(level(level)));
    if (logging.json()) {
      ZapJsonLayout layout = new ZapJsonLayout();
      layout.setContext(context);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
      encoder.setContext(context);
      encoder.setLayout(layout);
      encoder.start();
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setContext(context);
      console.setName("json");
      console.setEncoder(encoder);
      console.start();
      root.detachAndStopAllAppenders();
      root.addAppender(console);
    }
  }

  /** zap's level names; dpanic/panic/fatal are all errors here. */
  static Level level(String name) {
    return switch (name == null ? "info" : name.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}
