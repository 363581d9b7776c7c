package io.egressjava.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A participant published the way browsers publish: Chromium (headless, via Playwright) runs the
 * LiveKit JS SDK on {@code publisher/flash-beep.html} — a canvas flash and a WebAudio beep that
 * start together once a second, the frames stamped with their capture time as a camera's are,
 * sent by libwebrtc with its own capture-time sender reports.
 */
public final class BrowserPublisher implements AutoCloseable {
  /** livekit-client as installed by the egress-templates build. */
  private static final Path SDK = Path.of("../egress-templates/src/main/web/node_modules/livekit-client/dist/livekit-client.umd.js");

  private final HttpServer site;
  private final Playwright playwright;
  private final Browser browser;
  private final Page page;

  private BrowserPublisher(String wsUrl, String token) throws IOException {
    site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    site.createContext("/", exchange -> {
      byte[] body;
      String type;
      if (exchange.getRequestURI().getPath().endsWith(".js")) {
        body = Files.readAllBytes(SDK);
        type = "text/javascript";
      } else {
        try (InputStream in = BrowserPublisher.class.getResourceAsStream("/publisher/flash-beep.html")) {
          body = in.readAllBytes();
        }
        type = "text/html";
      }
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    site.start();
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"); // Debian's chromium, never a download
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--autoplay-policy=no-user-gesture-required",
            "--disable-features=WebRtcHideLocalIpsWithMdns")));
    page = browser.newPage();
    page.onConsoleMessage(m -> System.out.println("publisher page: " + m.text()));
    page.navigate("http://127.0.0.1:" + site.getAddress().getPort() + "/flash-beep.html");
    Object result = page.evaluate("([url, token]) => window.publish(url, token)", List.of(wsUrl, token));
    if (!"published".equals(result)) {
      close();
      throw new IllegalStateException("publisher page: " + result);
    }
  }

  /** Records what the page publishes, in the page (MediaRecorder), for {@code seconds}, to {@code file}. */
  void recordLocally(int seconds, Path file) throws IOException {
    String b64 = (String) page.evaluate("(s) => window.recordLocally(s)", seconds);
    Files.write(file, java.util.Base64.getDecoder().decode(b64));
  }

  public static BrowserPublisher start(String wsUrl, String token) throws IOException {
    return new BrowserPublisher(wsUrl, token);
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
    site.stop(0);
  }
}
