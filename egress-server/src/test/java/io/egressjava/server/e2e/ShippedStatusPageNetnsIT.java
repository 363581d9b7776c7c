package io.egressjava.server.e2e;

import static io.egressjava.server.e2e.Shipped.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.egressjava.testrig.LiveKitRig;
import io.egressjava.testrig.Ports;
import io.egressjava.testrig.PythonPublisher;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.EncodedOutputs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of the packaged server in real Chromium: it lists a running participant egress
 * with its outputs, handler figures and latest picture, the picture changes as the recording goes
 * on, and the egress leaves the page when it ends. A screenshot is kept as
 * {@code target/e2e/status-page.png}.
 */
@ExtendWith(LiveKitRig.class)
class ShippedStatusPageNetnsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aRunningEgressWithItsLatestPicture(LiveKitRig rig, @TempDir Path tmp) throws Exception {
    String room = "shipped-status";
    Shipped.createRoom(rig, room);
    EgressServiceClient client = Shipped.egressClient(rig);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"); // Debian's chromium, never a download
    try (PackagedServer server = new PackagedServer("shipped-status", rig, tmp.resolve("server"), "", "");
        PythonPublisher nora = PythonPublisher.start(rig.livekit(), room, "nora", "--video", "640x360");
        StatusWatch watch = new StatusWatch(client, room);
        Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
            .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true).setArgs(List.of("--no-sandbox")))) {
      Shipped.awaitTracks(rig, room, 2);
      var outputs = new EncodedOutputs(LivekitEgress.EncodedFileOutput.newBuilder()
          .setFilepath(tmp.resolve("nora.mp4").toString()).build(), null, null, null);
      EgressInfo started = ok(client.startParticipantEgress(room, "nora", outputs, false, null, Shipped.SMALL).execute());
      String id = started.getEgressId();
      watch.note(started);
      Shipped.awaitActive(watch, id);

      Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 800));
      String base = "http://127.0.0.1:" + server.healthPort();
      page.navigate(base + "/status");
      String card = "section[data-egress-id='" + id + "']";
      page.waitForSelector(card + " img:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(20_000));
      ElementHandle section = page.querySelector(card);
      assertThat(section.innerText()).contains("participant · " + room).contains("ACTIVE").contains(id)
          .contains("nora.mp4").contains("input track");
      String firstVersion = page.getAttribute(card + " img", "data-version");
      byte[] first = picture(base, id);
      assertThat(first).as("a JPEG").startsWith((byte) 0xFF, (byte) 0xD8);

      // the pipeline takes a new picture every 3 s of media, the page shows it without a reload
      page.waitForFunction("([sel, v]) => document.querySelector(sel + ' img').dataset.version !== v",
          List.of(card, firstVersion), new Page.WaitForFunctionOptions().setTimeout(15_000));
      byte[] second = picture(base, id);
      assertThat(Arrays.equals(first, second)).as("the picture changed").isFalse();
      Ports.await(Duration.ofSeconds(10), "the handler's figures on the page",
          () -> !page.innerText(card + " .facts").contains("CPU –") && page.innerText(card + " .outputs").contains("kbit/s"));
      Path shot = Files.createDirectories(Path.of("target", "e2e")).resolve("status-page.png");
      page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
      System.out.println("status page: " + page.innerText(card).replace("\n", " | ") + " (screenshot " + shot + ")");

      // the health JSON stays the reference's on every other path
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString())
          .body()).startsWith("{\"CpuLoad\":").contains("\"" + id + "\":{\"Participant\":");

      Shipped.stop(client, watch, id);
      page.waitForSelector("#empty:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(10_000));
      assertThat(page.querySelector(card)).as("gone with its egress").isNull();
    }
  }

  private static byte[] picture(String base, String id) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/picture/" + id)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    return r.body();
  }
}
