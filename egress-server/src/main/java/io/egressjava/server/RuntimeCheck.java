package io.egressjava.server;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.storage.Uploader;
import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.AudioEncoder;
import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.JpegWriter;
import io.egressjava.media.ffmpeg.VideoEncoder;
import io.egressjava.storage.AliOssUploader;
import io.egressjava.storage.AzureUploader;
import io.egressjava.storage.GcpUploader;
import io.egressjava.storage.LocalUploader;
import io.egressjava.storage.S3Uploader;
import io.egressjava.webrtc.dtls.DtlsCertificate;
import io.egressjava.webrtc.dtls.SrtpKeys;
import io.egressjava.webrtc.dtls.SrtpProfile;
import io.egressjava.webrtc.srtp.SrtpSession;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.ffmpeg.global.avformat;

/**
 * {@code java -jar egress-server.jar --check}: runs each code path the service and its handlers
 * load classes on — an upload attempt through every storage client, every encoder and container,
 * the WebRTC receiver's crypto, the browser driver, Redis and logging — from the class path the
 * jar was started with. A library missing from {@code lib/} shows here as a linkage error, before
 * a user's egress fails on it. Uploads go to a closed local port, so they must fail with a
 * connection error, never a missing class. Exits 0 when everything loaded.
 */
final class RuntimeCheck {
  private RuntimeCheck() {}

  private interface Step {
    void run() throws Exception;
  }

  private record Check(String name, Step step) {}

  static int run(PrintStream out) throws IOException {
    Path dir = Files.createTempDirectory("egress-check-");
    Path file = Files.writeString(dir.resolve("check.txt"), "egress-java runtime check\n");
    String closed = "127.0.0.1:" + closedPort();
    List<Check> checks = List.of(
        new Check("s3 upload", () -> refused(new S3Uploader((StorageConfig.S3) storage(
            "s3: {access_key: a, secret: b, endpoint: 'http://" + closed + "', bucket: check, force_path_style: true}")), file)),
        new Check("azure upload", () -> refused(new AzureUploader((StorageConfig.Azure) storage(
            "azure: {account_name: check, account_key: Y2hlY2s=, container_name: check, endpoint: 'http://" + closed + "'}")),
            file)),
        new Check("gcp upload", () -> refused(new GcpUploader((StorageConfig.Gcp) storage(
            "gcp: {bucket: check, endpoint: 'http://" + closed + "'}")), file)),
        new Check("alioss upload", () -> refused(new AliOssUploader((StorageConfig.AliOss) storage(
            "alioss: {access_key: a, secret: b, endpoint: 'http://" + closed + "', bucket: check}")), file)),
        new Check("local upload", () -> {
          try (LocalUploader local = new LocalUploader(dir)) {
            local.upload(file, "stored/check.txt", "text/plain");
          }
        }),
        new Check("ffmpeg encoders (" + Ffmpeg.h264Encoder() + ", aac, opus, mp3, jpeg)", RuntimeCheck::encoders),
        new Check("ffmpeg containers and capture devices", RuntimeCheck::containers),
        new Check("webrtc receive (dtls, srtp)", RuntimeCheck::webrtc),
        new Check("browser driver (playwright)", () -> {
          Map<String, String> env = new java.util.HashMap<>(System.getenv());
          env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
          com.microsoft.playwright.Playwright.create(new com.microsoft.playwright.Playwright.CreateOptions().setEnv(env))
              .close();
        }),
        new Check("redis client", () -> {
          Class.forName("io.egressjava.psrpc.RedisBus");
          Class.forName("redis.clients.jedis.RedisClient");
        }),
        new Check("logging", () -> {
          String binding = org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName();
          if (!binding.startsWith("ch.qos.logback")) {
            throw new IllegalStateException("SLF4J is bound to " + binding + ", not Logback");
          }
        }));
    List<String> failed = new ArrayList<>();
    for (Check c : checks) {
      try {
        c.step().run();
        out.println("ok      " + c.name());
      } catch (Throwable t) {
        failed.add(c.name());
        out.println("FAILED  " + c.name() + ": " + t);
      }
    }
    try {
      io.egressjava.core.files.FileTrees.delete(dir);
    } catch (IOException e) {
      out.println("(its scratch directory is left: " + e.getMessage() + ")");
    }
    out.println(failed.isEmpty() ? "runtime check passed" : "runtime check failed: " + String.join(", ", failed));
    return failed.isEmpty() ? 0 : 1;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static StorageConfig.Provider storage(String yaml) {
    return EgressConfigLoader.fromYaml("storage: {" + yaml + "}\n", Map.of()).config().storage().provider();
  }

  /** An upload to a closed port: fails as a connection failure, having built its whole request. */
  private static void refused(Uploader uploader, Path file) throws Exception {
    try (uploader) {
      uploader.upload(file, "check.txt", "text/plain");
      throw new IllegalStateException(uploader.name() + " upload to a closed port succeeded");
    } catch (IOException expected) {
      // what a user sees when the storage is unreachable: the client got as far as connecting
    }
  }

  private static void encoders() {
    Encoding e = new Encoding(320, 240, 24, 30, 500, 2, "main", 64, 48000);
    try (VideoEncoder v = new VideoEncoder(e, true, false)) {
      v.writableFrame();
    }
    for (MediaCodec codec : List.of(MediaCodec.AAC, MediaCodec.OPUS, MediaCodec.MP3)) {
      new AudioEncoder(codec, 64, 48000, true).close();
    }
    new JpegWriter(320, 240).close();
  }

  private static void containers() {
    Ffmpeg.load();
    for (String format : List.of("mp4", "ogg", "webm", "mp3", "mpegts", "flv", "image2")) {
      if (avformat.av_guess_format(format, null, null) == null) {
        throw new IllegalStateException("no " + format + " muxer");
      }
    }
    avdevice.avdevice_register_all();
    for (String device : List.of("x11grab", "pulse")) {
      if (avformat.av_find_input_format(device) == null) {
        throw new IllegalStateException("no " + device + " input");
      }
    }
  }

  private static void webrtc() throws Exception {
    DtlsCertificate.get();
    for (SrtpProfile p : SrtpProfile.values()) {
      try (SrtpSession s = new SrtpSession(SrtpKeys.fromExporter(p, new byte[2 * (p.keyLength() + p.saltLength())]))) {
        s.encryptRtcp(new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1});
      }
    }
    Class.forName("io.egressjava.webrtc.RoomSubscriber");
    Class.forName("org.bouncycastle.tls.DTLSClientProtocol");
  }
}
