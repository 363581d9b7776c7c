package io.egressjava.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a LiveKit access token (an HS256 JWT whose issuer is the API key, signed with its secret)
 * for the control endpoint: signed by the configured key, within its validity, and carrying the
 * {@code roomRecord} grant — what LiveKit's own Egress API asks of its callers.
 */
final class AccessTokenVerifier {
  /** Seconds of clock difference tolerated at either end of a token's validity. */
  private static final long LEEWAY_SECONDS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a token was refused: 401 (no valid token) or 403 (valid, without the grant). */
  static final class Refused extends Exception {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final String apiKey;
  private final byte[] secret;
  private final Clock clock;

  AccessTokenVerifier(String apiKey, String apiSecret, Clock clock) {
    this.apiKey = apiKey;
    this.secret = apiSecret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  /** The token's claims, from an {@code Authorization} header value ("Bearer <jwt>"). */
  JsonNode verify(String authorization) throws Refused {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Refused(401, "an Authorization: Bearer <access token> header is required");
    }
    String[] parts = authorization.substring(7).trim().split("\\.");
    if (parts.length != 3) {
      throw new Refused(401, "the access token is not a JWT");
    }
    JsonNode header = decode(parts[0]);
    if (!"HS256".equals(header.path("alg").asText())) {
      throw new Refused(401, "the access token must be signed with HS256");
    }
    byte[] expected = sign(parts[0] + "." + parts[1]);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new Refused(401, "the access token's signature is not base64url");
    }
    JsonNode claims = decode(parts[1]);
    if (!apiKey.equals(claims.path("iss").asText()) || !MessageDigest.isEqual(expected, given)) {
      throw new Refused(401, "the access token is not signed with this egress's API key");
    }
    long now = clock.instant().getEpochSecond();
    if (claims.has("exp") && claims.get("exp").asLong() + LEEWAY_SECONDS < now) {
      throw new Refused(401, "the access token has expired");
    }
    if (claims.has("nbf") && claims.get("nbf").asLong() - LEEWAY_SECONDS > now) {
      throw new Refused(401, "the access token is not valid yet");
    }
    if (!claims.path("video").path("roomRecord").asBoolean(false)) {
      throw new Refused(403, "the access token lacks the roomRecord grant");
    }
    return claims;
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static JsonNode decode(String part) throws Refused {
    try {
      JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(part));
      if (n == null || !n.isObject()) {
        throw new Refused(401, "the access token is not a JWT");
      }
      return n;
    } catch (IOException | IllegalArgumentException e) {
      throw new Refused(401, "the access token is not a JWT");
    }
  }
}
