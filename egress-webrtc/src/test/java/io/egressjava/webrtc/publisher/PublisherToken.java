package io.egressjava.webrtc.publisher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** An HS256 join token for an ordinary, visible participant that may publish and subscribe. */
public final class PublisherToken {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private PublisherToken() {}

  public static String mint(String apiKey, String apiSecret, String identity, String room) {
    return mint(apiKey, apiSecret, identity, room, Instant.now(), Duration.ofHours(1));
  }

  public static String mint(String apiKey, String apiSecret, String identity, String room, Instant now, Duration ttl) {
    ObjectNode video = JSON.createObjectNode()
        .put("roomJoin", true)
        .put("room", room)
        .put("canPublish", true)
        .put("canSubscribe", true)
        .put("canPublishData", true);
    ObjectNode claims = JSON.createObjectNode()
        .put("iss", apiKey)
        .put("sub", identity)
        .put("name", identity)
        .put("nbf", now.getEpochSecond())
        .put("iat", now.getEpochSecond())
        .put("exp", now.plus(ttl).getEpochSecond());
    claims.set("video", video);
    String signingInput = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
