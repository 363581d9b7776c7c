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
    event.setMDCPropertyMap(java.util.Map.of()); // (a bare LoggerContext has no MDC adapter)
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
  void linesAboutAnEgressCarryItsIdRoomAndKind() throws Exception {
    var config = io.egressjava.api.config.EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://127.0.0.1:7880",
        java.util.Map.of()).config();
    var plan = new io.egressjava.core.plan.EgressPlanner(config, java.time.Clock.systemUTC()).plan(
        io.egressjava.api.rpc.StartEgressRequest.newBuilder().setEgressId("EG_logFields0001").setRoomComposite(
            livekit.LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("standup").setLayout("grid")
                .addFileOutputs(livekit.LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("/tmp/x.mp4"))).build());
    io.egressjava.core.lifecycle.EgressLogFields.register(plan);
    LoggerContext context = new LoggerContext();
    ObjectMapper mapper = new ObjectMapper();

    // on one of the egress's own threads
    LoggingEvent own = new LoggingEvent("x", context.getLogger("a.CompositePictures"), Level.INFO, "first picture", null, null);
    own.setThreadName("composite-decode-EG_logFields0001");
    own.setMDCPropertyMap(java.util.Map.of());
    JsonNode json = mapper.readTree(new ZapJsonLayout().doLayout(own));
    assertThat(json.get("egressID").asText()).isEqualTo("EG_logFields0001");
    assertThat(json.get("roomName").asText()).isEqualTo("standup");
    assertThat(json.get("requestType").asText()).isEqualTo("room_composite");

    // on a shared thread, naming it
    LoggingEvent shared = new LoggingEvent("x", context.getLogger("a.EgressService"), Level.INFO, "egress {} started", null,
        new Object[] {"EG_logFields0001"});
    shared.setThreadName("psrpc-dispatch-3");
    shared.setMDCPropertyMap(java.util.Map.of());
    assertThat(mapper.readTree(new ZapJsonLayout().doLayout(shared)).get("roomName").asText()).isEqualTo("standup");

    // a handler's egress thread (MDC) for an egress this process did not plan: its ID alone
    LoggingEvent other = new LoggingEvent("x", context.getLogger("a.B"), Level.INFO, "planned", null, null);
    other.setThreadName("main");
    other.setMDCPropertyMap(java.util.Map.of("egressID", "EG_unknown000001"));
    JsonNode o = mapper.readTree(new ZapJsonLayout().doLayout(other));
    assertThat(o.get("egressID").asText()).isEqualTo("EG_unknown000001");
    assertThat(o.has("roomName")).isFalse();

    // a line about no egress has none
    LoggingEvent none = new LoggingEvent("x", context.getLogger("a.B"), Level.INFO, "ready", null, null);
    none.setThreadName("main");
    none.setMDCPropertyMap(java.util.Map.of());
    assertThat(mapper.readTree(new ZapJsonLayout().doLayout(none)).has("egressID")).isFalse();
  }

  @Test
  void zapLevelNamesMap() {
    assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogSetup.level("dpanic")).isEqualTo(Level.ERROR);
    assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
  }
}
