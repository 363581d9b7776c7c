package io.egressjava.webrtc.dtls;

/**
 * SRTP master keys exported from the DTLS handshake (RFC 5764 §4.2). As the DTLS client we decrypt
 * with the server's write key and salt and encrypt our RTCP with the client's.
 */
public record SrtpKeys(SrtpProfile profile, byte[] remoteKey, byte[] remoteSalt, byte[] localKey, byte[] localSalt) {

  /** Splits exporter output {@code client_key ‖ server_key ‖ client_salt ‖ server_salt}. */
  public static SrtpKeys fromExporter(SrtpProfile profile, byte[] material) {
    int k = profile.keyLength();
    int s = profile.saltLength();
    if (material.length != 2 * (k + s)) {
      throw new IllegalArgumentException("keying material is " + material.length + " bytes, expected " + 2 * (k + s));
    }
    byte[] clientKey = java.util.Arrays.copyOfRange(material, 0, k);
    byte[] serverKey = java.util.Arrays.copyOfRange(material, k, 2 * k);
    byte[] clientSalt = java.util.Arrays.copyOfRange(material, 2 * k, 2 * k + s);
    byte[] serverSalt = java.util.Arrays.copyOfRange(material, 2 * k + s, 2 * (k + s));
    return new SrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
  }
}
