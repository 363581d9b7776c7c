package io.egressjava.webrtc.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our side of DTLS-SRTP (RFC 5764) as the DTLS client ({@code a=setup:active}): DTLS 1.2 only (what
 * pion speaks), ECDSA suites for pion's P-256 certificate, the use_srtp extension, a client
 * certificate, and the server certificate checked against the fingerprint from the offer.
 */
public final class DtlsSrtpClient extends DefaultTlsClient {
  private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

  private final DtlsCertificate certificate;
  private final String expectedFingerprint;
  private SrtpProfile profile;
  private SrtpKeys keys;

  private DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, String expectedFingerprint) {
    super(crypto);
    this.certificate = certificate;
    this.expectedFingerprint = DtlsCertificate.normalize(expectedFingerprint);
  }

  /**
   * Runs the handshake over {@code transport} and returns the SRTP keys; blocks up to 10 s.
   * {@code remoteFingerprint} is the SHA-256 fingerprint from the offer (hex pairs with colons).
   */
  public static Result handshake(DatagramTransport transport, String remoteFingerprint) throws IOException {
    DtlsSrtpClient client = new DtlsSrtpClient(new BcTlsCrypto(new SecureRandom()), DtlsCertificate.get(), remoteFingerprint);
    DTLSTransport dtls = new DTLSClientProtocol().connect(client, transport);
    return new Result(dtls, client.keys);
  }

  /** The established association (kept to send close_notify) and the exported keys. */
  public record Result(DTLSTransport transport, SrtpKeys keys) {}

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.DTLSv12.only();
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return new int[] {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    };
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Hashtable getClientExtensions() throws IOException {
    Hashtable ext = super.getClientExtensions();
    if (ext == null) {
      ext = new Hashtable();
    }
    int[] profiles = Arrays.stream(SrtpProfile.values()).mapToInt(SrtpProfile::id).toArray();
    TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profiles, TlsUtils.EMPTY_BYTES));
    return ext;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void processServerExtensions(Hashtable serverExtensions) throws IOException {
    super.processServerExtensions(serverExtensions);
    UseSRTPData srtp = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
    if (srtp == null || srtp.getProtectionProfiles().length != 1) {
      throw new TlsFatalAlert(AlertDescription.illegal_parameter);
    }
    profile = SrtpProfile.byId(srtp.getProtectionProfiles()[0]);
  }

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
        if (serverCertificate.getCertificate().isEmpty()) {
          throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
        byte[] der = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
        if (!DtlsCertificate.sha256Fingerprint(der).equals(expectedFingerprint)) {
          throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
        return certificate.signer((BcTlsCrypto) getCrypto(), context);
      }
    };
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
        2 * (profile.keyLength() + profile.saltLength()));
    keys = SrtpKeys.fromExporter(profile, material);
  }

  @Override
  public int getHandshakeTimeoutMillis() {
    return HANDSHAKE_TIMEOUT_MS;
  }

  /**
   * Our first flight often leaves the moment we select the pair, before pion's DTLS server runs
   * (it starts when its side of ICE connects) and is lost; a short first resend (doubling after)
   * keeps that from costing a second.
   */
  @Override
  public int getHandshakeResendTimeMillis() {
    return 50;
  }
}
