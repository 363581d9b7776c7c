package io.egressjava.testrig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real RTMP server: Debian's nginx with libnginx-mod-rtmp on 127.0.0.1, recording every stream
 * of application "live" to {@code <recordings>/<stream key>.flv} (finalized when the publisher leaves).
 */
public final class NginxRtmpServer implements AutoCloseable {
  private final int port = Ports.free();
  private final Path dir;
  private final ManagedProcess process;

  public NginxRtmpServer() {
    String nginx = ManagedProcess.findExecutable("EGRESS_NGINX", "/usr/sbin/nginx", "nginx");
    try {
      dir = Files.createTempDirectory("egress-rtmp-");
      Files.createDirectories(dir.resolve("rec"));
      Path conf = dir.resolve("nginx.conf");
      Files.writeString(conf, String.join("\n",
          "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;",
          "daemon off;",
          "master_process off;",
          "pid " + dir.resolve("nginx.pid") + ";",
          "error_log " + dir.resolve("error.log") + " info;",
          "events { worker_connections 64; }",
          "rtmp {",
          "  server {",
          "    listen 127.0.0.1:" + port + ";",
          "    application live {",
          "      live on;",
          "      record all;",
          "      record_path " + dir.resolve("rec") + ";",
          "      record_unique off;",
          "    }",
          "  }",
          "}",
          ""));
      process = new ManagedProcess("nginx-rtmp-" + port, List.of(nginx, "-c", conf.toString(), "-p", dir.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public NginxRtmpServer start() {
    process.start();
    process.awaitReady(Duration.ofSeconds(10), "nginx rtmp on port " + port, () -> Ports.accepts(port));
    return this;
  }

  public int port() {
    return port;
  }

  public String url(String streamKey) {
    return "rtmp://127.0.0.1:" + port + "/live/" + streamKey;
  }

  public Path recording(String streamKey) {
    return dir.resolve("rec").resolve(streamKey + ".flv");
  }

  public void stop() {
    process.stop();
  }

  @Override
  public void close() {
    process.stop();
  }
}
