package io.egressjava.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.rpc.StartEgressRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import org.junit.jupiter.api.Test;

class UrlAllowlistTest {

  @Test
  void patternsMatchWholeUrls() {
    UrlAllowlist list = new UrlAllowlist(List.of("https://*.example.com/*", "http://127.0.0.1:8080/dash"));
    assertThat(list.allows("https://app.example.com/room?x=1")).isTrue();
    assertThat(list.allows("https://APP.example.com/")).isTrue();
    assertThat(list.allows("https://example.com.evil.net/")).isFalse();
    assertThat(list.allows("http://app.example.com/")).isFalse();
    assertThat(list.allows("http://127.0.0.1:8080/dash")).isTrue();
    assertThat(list.allows("http://127.0.0.1:8080/dashboard")).isFalse();
    assertThat(new UrlAllowlist(List.of()).allows("http://anything/")).isTrue();
  }

  @Test
  void webEgressOutsideTheListIsRefusedWithoutLeakingTheQuery() {
    EgressConfig config = EgressConfigLoader.fromYaml(
        "api_key: k\napi_secret: s\nws_url: ws://h\nweb_url_allowlist: ['https://*.example.com/*']", Map.of()).config();
    var web = LivekitEgress.WebEgressRequest.newBuilder().setUrl("https://intranet.corp/secret?token=abc")
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("x.mp4"));
    assertThatThrownBy(() -> new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_x").setWeb(web).build()))
        .isInstanceOfSatisfying(PsrpcException.class, e -> assertThat(e.code()).isEqualTo(PsrpcCode.INVALID_ARGUMENT))
        .hasMessage("url not allowed by web_url_allowlist [https://*.example.com/*]: https://intranet.corp/secret");
    web.setUrl("https://app.example.com/live");
    assertThat(new EgressPlanner(config, Clock.systemUTC())
        .plan(StartEgressRequest.newBuilder().setEgressId("EG_y").setWeb(web).build()).source().webUrl())
        .isEqualTo("https://app.example.com/live");
  }

  @Test
  void nonHttpPatternsFailAtStartupNamingTheKey() {
    assertThatThrownBy(() -> EgressConfigLoader.fromYaml(
        "api_key: k\napi_secret: s\nws_url: ws://h\nweb_url_allowlist: ['file:///*']", Map.of()))
        .hasMessageContaining("config key 'web_url_allowlist'");
  }
}
