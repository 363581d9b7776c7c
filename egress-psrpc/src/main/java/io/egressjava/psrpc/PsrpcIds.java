package io.egressjava.psrpc;

import java.security.SecureRandom;

/** psrpc identifiers: a prefix ("CLI_", "SRV_", "REQ_") and 12 characters of [A-Za-z0-9]. */
public final class PsrpcIds {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PsrpcIds() {}

  public static String newId(String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < 12; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  public static String clientId() {
    return newId("CLI_");
  }

  public static String serverId() {
    return newId("SRV_");
  }

  public static String requestId() {
    return newId("REQ_");
  }
}
