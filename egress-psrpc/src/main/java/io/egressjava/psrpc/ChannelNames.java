package io.egressjava.psrpc;

import java.util.StringJoiner;

/**
 * psrpc's Redis channel names: parts joined with '|', empty parts (and their '|') skipped, each part
 * sanitized so only [0-9A-Za-z_] remain ("us-east" → "usu+002deast").
 */
public final class ChannelNames {
  private ChannelNames() {}

  /** Requests: {@code <Service>|<Method>|<topic>|REQ}. */
  public static String request(String service, String method, String topic) {
    return join(service, method, topic, "REQ");
  }

  /** Claim responses from the client: {@code <Service>|<Method>|<topic>|RCLAIM}. */
  public static String claimResponse(String service, String method, String topic) {
    return join(service, method, topic, "RCLAIM");
  }

  /** Claim requests to a client: {@code <Service>|<ClientID>|CLAIM}. */
  public static String claimRequest(String service, String clientId) {
    return join(service, clientId, "CLAIM");
  }

  /** Responses to a client: {@code <Service>|<ClientID>|RES}. */
  public static String response(String service, String clientId) {
    return join(service, clientId, "RES");
  }

  static String join(String... parts) {
    StringJoiner j = new StringJoiner("|");
    for (String p : parts) {
      if (p != null && !p.isEmpty()) {
        j.add(sanitize(p));
      }
    }
    return j.toString();
  }

  /** Keeps [0-9A-Za-z_]; other code points become u+XXXX (BMP) or U+XXXXXXXX, lower-case hex. */
  public static String sanitize(String part) {
    StringBuilder b = new StringBuilder(part.length());
    part.codePoints().forEach(cp -> {
      if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_') {
        b.appendCodePoint(cp);
      } else if (cp < 0x10000) {
        b.append(String.format("u+%04x", cp));
      } else {
        b.append(String.format("U+%08x", cp));
      }
    });
    return b.toString();
  }
}
