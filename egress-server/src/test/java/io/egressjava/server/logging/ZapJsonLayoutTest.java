package io.egressjava.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ZapJsonLayoutTest {

  @Test
  void writesZapFieldNamesAsValidJson() throws Exception {
    LoggerContext context = new LoggerContext();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.egressjava.server.EgressService"), Level.WARN,
        "egress {} failed: \"quoted\"\nnext line", new IllegalStateException("boom"), new Object[] {"EG_1"});
    event.setTimeStamp(1_700_000_000_123L);
    String line = new ZapJsonLayout().doLayout(event);
    assertThat(line).endsWith("}\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("warn");
    assertThat(json.get("ts").asDouble()).isEqualTo(1_700_000_000.123);
    assertThat(json.get("logger").asText()).isEqualTo("egress.EgressService");
    assertThat(json.get("msg").asText()).isEqualTo("egress EG_1 failed: \"quoted\"\nnext line");
    assertThat(json.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
  }

  @Test
  void zapLevelNamesMap() {
    assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogSetup.level("dpanic")).isEqualTo(Level.ERROR);
    assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
  }
}
