package io.egressjava.webrtc.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulcastRidsTest {
  @Test
  void reversesNumericRidsOfEachSimulcastSection() {
    String sdp = String.join("\r\n", "v=0", "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0", "a=rid:0 send", "a=rid:1 send",
        "a=rid:2 send", "a=simulcast:send 0;1;~2", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:1", "a=rid:0 send",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:2", "a=rid:0 send", "a=rid:1 send", "a=simulcast:send 0;1", "");
    assertThat(SimulcastRids.reverseNumericRids(sdp)).isEqualTo(String.join("\r\n", "v=0",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0", "a=rid:2 send", "a=rid:1 send", "a=rid:0 send",
        "a=simulcast:send 2;1;~0", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:1", "a=rid:0 send",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:2", "a=rid:1 send", "a=rid:0 send", "a=simulcast:send 1;0", ""));
  }

  @Test
  void leavesOffersWithoutSimulcastAlone() {
    String sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n";
    assertThat(SimulcastRids.reverseNumericRids(sdp)).isEqualTo(sdp);
  }
}
