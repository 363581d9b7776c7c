package io.egressjava.server.handler;

import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.webrtc.dtls.DtlsCertificate;
import io.egressjava.webrtc.srtp.SrtpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spare handler does while it waits for its egress: the one-time costs of a fresh JVM that
 * would otherwise delay the start of a recording — FFmpeg's native libraries, the DTLS
 * certificate (an ECDSA key), the SRTP ciphers (jitsi-srtp benchmarks its AES providers on first
 * use) and the classes of the recording paths.
 */
final class HandlerWarmUp {
  private static final Logger log = LoggerFactory.getLogger(HandlerWarmUp.class);
  private static final String[] CLASSES = {
    "io.egressjava.webrtc.RoomSubscriber",
    "io.egressjava.webrtc.PeerTransport",
    "io.egressjava.webrtc.TrackReceiver",
    "io.egressjava.webrtc.ice.IceAgent",
    "io.egressjava.webrtc.dtls.DtlsSrtpClient",
    "io.egressjava.webrtc.signal.SignalClient",
    "io.egressjava.source.room.media.RoomMediaSource",
    "io.egressjava.source.room.media.TrackSource",
    "io.egressjava.pipeline.PassthroughOutputs",
    "io.egressjava.pipeline.PipelineRunner",
    "io.egressjava.media.ffmpeg.VideoDecoder",
    "io.egressjava.media.ffmpeg.AudioDecoder",
    "io.egressjava.media.ffmpeg.VideoEncoder",
    "io.egressjava.media.ffmpeg.AudioEncoder",
    "io.egressjava.media.ffmpeg.FileMuxer",
    "io.egressjava.source.browser.BrowserSource",
    "org.bouncycastle.tls.DTLSClientProtocol",
    "okhttp3.OkHttpClient",
  };

  private HandlerWarmUp() {}

  static void run() {
    long start = System.nanoTime();
    try {
      SrtpSession.prepare(); // first: the one a recording would otherwise meet on its first packet
      Ffmpeg.load();
      DtlsCertificate.get();
      ClassLoader loader = HandlerWarmUp.class.getClassLoader();
      for (String c : CLASSES) {
        try {
          Class.forName(c, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          log.debug("warm-up: {} not loaded: {}", c, e.getMessage());
        }
      }
      log.debug("warm-up done in {} ms", (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("warm-up failed (the egress will start cold): {}", e.getMessage());
    }
  }
}
