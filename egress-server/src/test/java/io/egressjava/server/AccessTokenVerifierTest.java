package io.egressjava.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.livekit.server.AccessToken;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomRecord;
import java.time.Clock;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** Tokens minted by LiveKit's Kotlin server SDK, as an operator's backend would mint them. */
class AccessTokenVerifierTest {
  private final AccessTokenVerifier verifier = new AccessTokenVerifier("APIkey", "secret-of-the-key", Clock.systemUTC());

  private static String token(String key, String secret, boolean record, long ttlMillis) {
    AccessToken t = new AccessToken(key, secret);
    t.setIdentity("backend");
    t.setTtl(ttlMillis);
    t.addGrants(record ? new RoomRecord(true) : new RoomJoin(true));
    return t.toJwt();
  }

  private int refusal(String authorization) {
    try {
      verifier.verify(authorization);
      return 200;
    } catch (AccessTokenVerifier.Refused e) {
      return e.status;
    }
  }

  @Test
  void aRoomRecordTokenOfTheConfiguredKeyPasses() throws Exception {
    assertThat(verifier.verify("Bearer " + token("APIkey", "secret-of-the-key", true, 60_000)).path("sub").asText())
        .isEqualTo("backend");
  }

  @Test
  void everythingElseIsRefusedWithItsReason() {
    assertThat(refusal(null)).as("no header").isEqualTo(401);
    assertThat(refusal("Basic abc")).as("not a bearer token").isEqualTo(401);
    assertThat(refusal("Bearer not.a.jwt")).as("garbage").isEqualTo(401);
    assertThat(refusal("Bearer " + token("APIkey", "another-secret", true, 60_000))).as("wrong secret").isEqualTo(401);
    assertThat(refusal("Bearer " + token("OtherKey", "secret-of-the-key", true, 60_000))).as("wrong key").isEqualTo(401);
    assertThat(refusal("Bearer " + token("APIkey", "secret-of-the-key", false, 60_000))).as("no roomRecord").isEqualTo(403);
    AccessToken expired = new AccessToken("APIkey", "secret-of-the-key");
    expired.setIdentity("backend");
    expired.setExpiration(new Date(System.currentTimeMillis() - 60_000));
    expired.addGrants(new RoomRecord(true));
    assertThatThrownBy(() -> verifier.verify("Bearer " + expired.toJwt())).hasMessage("the access token has expired");
  }
}
