package io.egressjava.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * jitsi-srtp is given SunJCE as the fastest AES implementation up front: it never sets up and
 * benchmarks its other providers (BouncyCastle, its OpenSSL binding, PKCS#11), which cost each new
 * handler JVM about a CPU-second, and SRTP still works on it.
 */
class SrtpSessionTest {

  @Test
  void sunJceIsElectedWithoutABenchmark() throws Exception {
    SrtpSession.prepare(); // encrypts with every profile we negotiate
    for (String t : SrtpSession.TRANSFORMATIONS) {
      assertThat(SrtpSession.aesProvider(t)).as(t).isEqualTo("SunJCE");
    }
    java.lang.reflect.Field benchmarked = org.jitsi.srtp.crypto.Aes.class.getDeclaredField("factories");
    benchmarked.setAccessible(true);
    assertThat(benchmarked.get(null)).as("the providers jitsi-srtp sets up to benchmark").isNull();
  }
}
