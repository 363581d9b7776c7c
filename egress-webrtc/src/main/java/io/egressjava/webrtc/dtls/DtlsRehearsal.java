package io.egressjava.webrtc.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS-SRTP handshake of {@link DtlsSrtpClient} against an in-memory server, for a process
 * that has time before its first real one: the first handshake in a fresh JVM runs BouncyCastle's
 * elliptic-curve arithmetic and record layer interpreted and took ~240 ms against the SFU, a warm
 * one a few ms. The server plays the SFU's part: DTLS 1.2, an ECDSA certificate, use_srtp, and a
 * certificate request, so the client signs as it does for real.
 */
public final class DtlsRehearsal {
  private DtlsRehearsal() {}

  /** Runs the handshake (both ends in this process, over queues); throws if it fails. */
  public static void run() throws IOException {
    DtlsCertificate certificate = DtlsCertificate.get();
    AtomicReference<QueuedDatagramTransport> serverSide = new AtomicReference<>();
    QueuedDatagramTransport clientSide = new QueuedDatagramTransport(d -> serverSide.get().offer(d));
    serverSide.set(new QueuedDatagramTransport(clientSide::offer));
    AtomicReference<Exception> serverError = new AtomicReference<>();
    Thread server = new Thread(() -> {
      try {
        DTLSTransport t = new DTLSServerProtocol().accept(new Server(certificate), serverSide.get());
        t.close();
      } catch (Exception e) {
        serverError.set(e);
      }
    }, "dtls-rehearsal");
    server.setDaemon(true);
    server.start();
    try {
      DtlsSrtpClient.Result result = DtlsSrtpClient.handshake(clientSide, certificate.fingerprint());
      result.transport().close();
    } finally {
      clientSide.close();
      try {
        server.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      serverSide.get().close();
    }
    if (serverError.get() != null) {
      throw new IOException("rehearsal server: " + serverError.get().getMessage(), serverError.get());
    }
  }

  /** The SFU's side, as far as the client can tell. */
  private static final class Server extends DefaultTlsServer {
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
    private final DtlsCertificate certificate;

    Server(DtlsCertificate certificate) {
      super(new BcTlsCrypto(new SecureRandom()));
      this.certificate = certificate;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
      return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
      return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
      return certificate.signer((BcTlsCrypto) getCrypto(), context);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
      Hashtable ext = super.getServerExtensions();
      if (ext == null) {
        ext = new Hashtable();
      }
      TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {SrtpProfile.values()[0].id()}, TlsUtils.EMPTY_BYTES));
      return ext;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public CertificateRequest getCertificateRequest() {
      Vector algorithms = new Vector();
      algorithms.add(ECDSA_SHA256);
      return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) {
      // anyone: this is a rehearsal
    }
  }
}
