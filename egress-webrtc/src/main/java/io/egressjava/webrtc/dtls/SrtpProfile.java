package io.egressjava.webrtc.dtls;

import org.bouncycastle.tls.SRTPProtectionProfile;

/** The DTLS-SRTP protection profiles we offer, in our order of preference. */
public enum SrtpProfile {
  AEAD_AES_128_GCM(SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, 16, 12, 16),
  AES128_CM_HMAC_SHA1_80(SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, 16, 14, 10);

  private final int id;
  private final int keyLength;
  private final int saltLength;
  private final int tagLength;

  SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
    this.id = id;
    this.keyLength = keyLength;
    this.saltLength = saltLength;
    this.tagLength = tagLength;
  }

  public int id() {
    return id;
  }

  public int keyLength() {
    return keyLength;
  }

  public int saltLength() {
    return saltLength;
  }

  public int tagLength() {
    return tagLength;
  }

  public boolean aead() {
    return this == AEAD_AES_128_GCM;
  }

  public static SrtpProfile byId(int id) {
    for (SrtpProfile p : values()) {
      if (p.id == id) {
        return p;
      }
    }
    throw new IllegalArgumentException("unsupported SRTP protection profile " + id);
  }
}
