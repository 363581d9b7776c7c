package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomRecord;
import java.net.InetAddress;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Who may see the status page: loopback clients, and others with a roomRecord token (header or ?token=). */
class StatusPageTest {
  private final StatusPage page = new StatusPage(null, null, null,
      new AccessTokenVerifier("APIkey", "secret-of-the-key", Clock.systemUTC()), Clock.systemUTC());

  private static String token(boolean record) {
    AccessToken t = new AccessToken("APIkey", "secret-of-the-key");
    t.setIdentity("operator");
    t.setTtl(60_000);
    t.addGrants(record ? new RoomRecord(true) : new RoomJoin(true));
    return t.toJwt();
  }

  @Test
  void loopbackClientsNeedNoToken() throws Exception {
    assertThat(page.refusal(InetAddress.getByName("127.0.0.1"), null, null)).isNull();
    assertThat(page.refusal(InetAddress.getByName("::1"), null, null)).isNull();
  }

  @Test
  void othersNeedARoomRecordToken() throws Exception {
    InetAddress lan = InetAddress.getByName("10.1.2.3");
    assertThat(page.refusal(lan, null, null)).startsWith("401 ").contains("loopback");
    assertThat(page.refusal(lan, null, token(false))).startsWith("403 ").contains("roomRecord");
    assertThat(page.refusal(lan, null, token(true))).as("?token= of a browser").isNull();
    assertThat(page.refusal(lan, "Bearer " + token(true), null)).as("Authorization header").isNull();
    assertThat(page.refusal(lan, null, "not.a.token")).startsWith("401 ");
  }
}
