package io.egressjava.psrpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChannelNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      us-east       | usu+002deast
      a.b           | au+002eb
      EG_abc123     | EG_abc123
      room name     | roomu+0020name
      é             | u+00e9
      😀            | U+0001f600
      """)
  void sanitizer(String in, String out) {
    assertThat(ChannelNames.sanitize(in)).isEqualTo(out);
  }

  @Test
  void channelKinds() {
    assertThat(ChannelNames.request("EgressInternal", "StartEgress", "")).isEqualTo("EgressInternal|StartEgress|REQ");
    assertThat(ChannelNames.request("EgressInternal", "StartEgress", "us-east")).isEqualTo("EgressInternal|StartEgress|usu+002deast|REQ");
    assertThat(ChannelNames.claimResponse("EgressHandler", "StopEgress", "EG_x")).isEqualTo("EgressHandler|StopEgress|EG_x|RCLAIM");
    assertThat(ChannelNames.claimRequest("IOInfo", "CLI_aaaaaaaaaaaa")).isEqualTo("IOInfo|CLI_aaaaaaaaaaaa|CLAIM");
    assertThat(ChannelNames.response("IOInfo", "CLI_aaaaaaaaaaaa")).isEqualTo("IOInfo|CLI_aaaaaaaaaaaa|RES");
  }

  @Test
  void ids() {
    assertThat(PsrpcIds.clientId()).matches("CLI_[A-Za-z0-9]{12}");
    assertThat(PsrpcIds.serverId()).matches("SRV_[A-Za-z0-9]{12}");
    assertThat(PsrpcIds.requestId()).matches("REQ_[A-Za-z0-9]{12}").isNotEqualTo(PsrpcIds.requestId());
  }
}
