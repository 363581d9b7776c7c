package io.egressjava.core.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The join token the reference mints when the request carries none (protocol.md §4.8): a hidden,
 * subscribe-only recorder whose identity is the egress ID, valid for 24 hours.
 */
public final class EgressToken {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private EgressToken() {}

  public static String mint(String apiKey, String apiSecret, String egressId, String roomName, Instant now) {
    ObjectNode video = JSON.createObjectNode()
        .put("roomJoin", true)
        .put("room", roomName)
        .put("canSubscribe", true)
        .put("canPublish", false)
        .put("canPublishData", false)
        .put("hidden", true)
        .put("recorder", true);
    ObjectNode claims = JSON.createObjectNode()
        .put("iss", apiKey)
        .put("sub", egressId)
        .put("nbf", now.getEpochSecond())
        .put("iat", now.getEpochSecond())
        .put("exp", now.plus(Duration.ofHours(24)).getEpochSecond())
        .put("kind", "egress");
    claims.set("video", video);
    String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + payload;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
