package io.egressjava.webrtc.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The self-signed ECDSA P-256 certificate our DTLS client presents (pion requires a client
 * certificate and checks only its fingerprint against the answer's {@code a=fingerprint}). One per
 * process, renewed when less than a day of validity is left, so concurrent egresses share it.
 */
public final class DtlsCertificate {
  private static final Duration VALIDITY = Duration.ofDays(30);
  private static volatile DtlsCertificate current;

  private final byte[] der;
  private final AsymmetricKeyParameter privateKey;
  private final String fingerprint;
  private final Instant notAfter;

  private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, Instant notAfter) {
    this.der = der;
    this.privateKey = privateKey;
    this.notAfter = notAfter;
    this.fingerprint = sha256Fingerprint(der);
  }

  /** The process-wide certificate, generated on first use. */
  public static DtlsCertificate get() {
    DtlsCertificate c = current;
    if (c == null || Instant.now().isAfter(c.notAfter.minus(Duration.ofDays(1)))) {
      synchronized (DtlsCertificate.class) {
        c = current;
        if (c == null || Instant.now().isAfter(c.notAfter.minus(Duration.ofDays(1)))) {
          c = generate();
          current = c;
        }
      }
    }
    return c;
  }

  static DtlsCertificate generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair keys = gen.generateKeyPair();
      Instant now = Instant.now();
      Instant notAfter = now.plus(VALIDITY);
      X500Name name = new X500Name("CN=egress-java");
      X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, new BigInteger(63, new SecureRandom()),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(notAfter), name, keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      return new DtlsCertificate(cert.getEncoded(), PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()), notAfter);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the DTLS certificate", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SDP form: upper-case hex pairs joined by colons. */
  public static String sha256Fingerprint(byte[] der) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(der);
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] der() {
    return der.clone();
  }

  public AsymmetricKeyParameter privateKey() {
    return privateKey;
  }

  /** {@code a=fingerprint:} value, e.g. {@code sha-256 AB:CD:…}. */
  public String sdpFingerprint() {
    return "sha-256 " + fingerprint;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** This certificate as the ECDSA/SHA-256 signer of a handshake in {@code context} (either end). */
  public TlsCredentialedSigner signer(BcTlsCrypto crypto, TlsContext context) throws IOException {
    TlsCertificate cert = crypto.createCertificate(der);
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
        new org.bouncycastle.tls.Certificate(new TlsCertificate[] {cert}),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
  }

  static String normalize(String fingerprint) {
    return fingerprint.trim().toUpperCase(Locale.ROOT);
  }
}
