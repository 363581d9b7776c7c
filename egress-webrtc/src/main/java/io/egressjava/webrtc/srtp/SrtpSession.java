package io.egressjava.webrtc.srtp;

import io.egressjava.webrtc.dtls.SrtpKeys;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP/SRTCP for one DTLS association, on jitsi-srtp: decrypts what the SFU sends (per-SSRC
 * contexts created on first use) and encrypts our RTCP. Receive replay protection is off, as on
 * LiveKit's side: retransmissions on a media SSRC can be older than jitsi-srtp's 64-packet window,
 * and duplicates are dropped later by the reorder buffer anyway.
 */
public final class SrtpSession implements AutoCloseable {
  private final SrtpContextFactory receiveFactory;
  private final SrtpContextFactory sendFactory;
  private final Map<Long, SrtpCryptoContext> rtpContexts = new ConcurrentHashMap<>();
  private final Map<Long, SrtcpCryptoContext> rtcpInContexts = new ConcurrentHashMap<>();
  private final Map<Long, SrtcpCryptoContext> rtcpOutContexts = new ConcurrentHashMap<>();
  private final int tagLength;

  /** The AES transformations jitsi-srtp asks for (AES-CM, AES-GCM, key derivation). */
  static final java.util.List<String> TRANSFORMATIONS = java.util.List.of("AES/CTR/NoPadding", "AES/GCM/NoPadding",
      "AES/ECB/NoPadding");

  static {
    // jitsi-srtp otherwise benchmarks every AES provider it can find on first use, per
    // transformation, even when told which one to use: it sets up BouncyCastle's provider, its own
    // OpenSSL binding and PKCS#11 and runs thousands of encryptions with each (~1 CPU-s per JVM,
    // paid by each handler as it starts). SunJCE, on the JDK's AES-NI intrinsics, is what the
    // benchmark picked on every machine we measured, so it is given as the fastest up front.
    org.jitsi.srtp.crypto.Aes.setFactoryClassName("SunJCE"); // if the shortcut below cannot be taken
    electSunJce();
  }

  /** Enters SunJCE as the elected AES implementation of each transformation, so none is benchmarked. */
  private static void electSunJce() {
    try {
      java.lang.reflect.Field elected = org.jitsi.srtp.crypto.Aes.class.getDeclaredField("fastestFactories");
      elected.setAccessible(true);
      @SuppressWarnings("unchecked")
      Map<String, org.jitsi.srtp.crypto.CipherFactory> factories =
          (Map<String, org.jitsi.srtp.crypto.CipherFactory>) elected.get(null);
      org.jitsi.srtp.crypto.CipherFactory sunJce = new org.jitsi.srtp.crypto.Aes.SunJCECipherFactory();
      synchronized (org.jitsi.srtp.crypto.Aes.class) { // what jitsi-srtp holds when it reads the map
        for (String t : TRANSFORMATIONS) {
          factories.putIfAbsent(t, sunJce);
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(SrtpSession.class)
          .info("jitsi-srtp will benchmark its AES providers on first use: {}", e.toString());
    }
  }

  /** The AES implementation jitsi-srtp uses for {@code transformation} (tests). */
  static String aesProvider(String transformation) {
    return org.jitsi.srtp.crypto.Aes.createCipher(transformation).getProvider().getName();
  }

  private static final java.util.concurrent.CompletableFuture<Void> PREPARED = new java.util.concurrent.CompletableFuture<>();
  private static final java.util.concurrent.atomic.AtomicBoolean PREPARING = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Pays jitsi-srtp's one-time cost now: on first use it loads and sets up its ciphers (0.5 s of CPU,
   * 1-2 s when it still benchmarked its AES providers; longer on a loaded node), and packets queue unread meanwhile. Met on the first packet of a
   * recording, that stall delivered seconds of sound in one burst, and a room composite placed a
   * participant's sound 433 ms late for good. Idempotent; returns when done (also when another
   * thread did it).
   */
  public static void prepare() {
    if (!PREPARING.compareAndSet(false, true)) {
      PREPARED.join();
      return;
    }
    try {
      for (io.egressjava.webrtc.dtls.SrtpProfile p : io.egressjava.webrtc.dtls.SrtpProfile.values()) {
        byte[] material = new byte[2 * (p.keyLength() + p.saltLength())];
        try (SrtpSession s = new SrtpSession(SrtpKeys.fromExporter(p, material))) {
          s.encryptRtcp(new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1}); // an empty receiver report
        }
      }
      PREPARED.complete(null);
    } catch (RuntimeException | Error e) {
      PREPARED.completeExceptionally(e);
      throw e;
    }
  }

  /** {@link #prepare} on a thread of its own, so that it overlaps signalling, ICE and DTLS. */
  public static void prepareInBackground() {
    if (PREPARING.get()) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        prepare();
      } catch (RuntimeException | Error e) {
        org.slf4j.LoggerFactory.getLogger(SrtpSession.class).warn("SRTP warm-up failed: {}", e.toString());
      }
    }, "srtp-prepare");
    t.setDaemon(true);
    t.start();
  }

  public SrtpSession(SrtpKeys keys) {
    SrtpPolicy policy = policy(keys);
    this.tagLength = keys.profile().tagLength();
    LoggerImpl logger = new LoggerImpl(SrtpSession.class.getName());
    receiveFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(), policy, policy, logger);
    sendFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(), policy(keys), policy(keys), logger);
  }

  private static SrtpPolicy policy(SrtpKeys keys) {
    SrtpPolicy p = keys.profile().aead()
        ? new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keys.profile().keyLength(), SrtpPolicy.NULL_AUTHENTICATION, 0,
            keys.profile().tagLength(), keys.profile().saltLength())
        : new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keys.profile().keyLength(), SrtpPolicy.HMACSHA1_AUTHENTICATION, 20,
            keys.profile().tagLength(), keys.profile().saltLength());
    p.setReceiveReplayEnabled(false);
    return p;
  }

  /** Decrypts an SRTP packet in place; returns the plaintext length, or -1 when it fails to authenticate. */
  public int decryptRtp(byte[] buf, int length) {
    if (length < 12) {
      return -1;
    }
    long ssrc = readUint32(buf, 8);
    try {
      SrtpCryptoContext ctx = rtpContexts.get(ssrc);
      if (ctx == null) {
        ctx = rtpContexts.computeIfAbsent(ssrc, s -> derive(() -> receiveFactory.deriveContext((int) (long) s, 0)));
      }
      Buffer b = new Buffer(buf, length);
      return ctx.reverseTransformPacket(b, false) == SrtpErrorStatus.OK ? b.getLength() : -1;
    } catch (GeneralSecurityException e) {
      return -1;
    }
  }

  /** Decrypts an SRTCP packet in place; returns the plaintext length, or -1. */
  public int decryptRtcp(byte[] buf, int length) {
    if (length < 8 + tagLength) {
      return -1;
    }
    long ssrc = readUint32(buf, 4);
    try {
      SrtcpCryptoContext ctx = rtcpInContexts.computeIfAbsent(ssrc, s -> derive(() -> receiveFactory.deriveControlContext((int) (long) s)));
      Buffer b = new Buffer(buf, length);
      return ctx.reverseTransformPacket(b) == SrtpErrorStatus.OK ? b.getLength() : -1;
    } catch (GeneralSecurityException e) {
      return -1;
    }
  }

  /** Encrypts an RTCP packet; returns the SRTCP datagram. */
  public byte[] encryptRtcp(byte[] rtcp) {
    long ssrc = readUint32(rtcp, 4);
    byte[] buf = java.util.Arrays.copyOf(rtcp, rtcp.length + 4 + tagLength + 16);
    try {
      SrtcpCryptoContext ctx = rtcpOutContexts.computeIfAbsent(ssrc, s -> derive(() -> sendFactory.deriveControlContext((int) (long) s)));
      Buffer b = new Buffer(buf, rtcp.length);
      if (ctx.transformPacket(b) != SrtpErrorStatus.OK) {
        throw new IllegalStateException("SRTCP encryption failed");
      }
      return java.util.Arrays.copyOfRange(b.getBuffer(), b.getOffset(), b.getOffset() + b.getLength());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SRTCP encryption failed", e);
    }
  }

  private interface Derivation<T> {
    T run() throws GeneralSecurityException;
  }

  private static <T> T derive(Derivation<T> d) {
    try {
      return d.run();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive SRTP context", e);
    }
  }

  static long readUint32(byte[] b, int off) {
    return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }

  @Override
  public void close() {
    receiveFactory.close();
    sendFactory.close();
  }
}
