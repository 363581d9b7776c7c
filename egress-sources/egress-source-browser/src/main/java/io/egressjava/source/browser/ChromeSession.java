package io.egressjava.source.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.ElementHandle;
import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.TimeoutError;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chromium (Debian's binary, never a download) driven by Playwright on one dedicated thread:
 * Playwright Java delivers page events only while its own thread is inside a Playwright call, so
 * that thread loads the page and then keeps pumping events until closed (deps.md §3).
 *
 * <p>The page's console is the control channel (protocol.md §4.6): an argument equal to
 * {@code START_RECORDING} or {@code END_RECORDING} is reported to the listener.
 */
public final class ChromeSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChromeSession.class);
  private static final int LOAD_ATTEMPTS = 3;
  private static final double LOAD_TIMEOUT_MS = 30_000;
  /**
   * Features Playwright 1.62 disables with its own {@code --disable-features}. Chrome keeps only the
   * last such flag, so ours carries this list too, and Playwright's (matched exactly) is dropped.
   */
  private static final List<String> PLAYWRIGHT_DISABLED_FEATURES = List.of("AvoidUnnecessaryBeforeUnloadCheckSync",
      "BoundaryEventDispatchTracksNodeRemoval", "DestroyProfileOnBrowserClose", "DialMediaRouteProvider",
      "GlobalMediaControls", "HttpsUpgrades", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
      "BlockOriginHeaderModificationOnRedirect", "Translate", "AutoDeElevate", "OptimizationHints", "msForceBrowserSignIn",
      "msEdgeUpdateLaunchServicesPreferredVersion");
  /**
   * Real host addresses in ICE candidates instead of mDNS names: the SFU cannot resolve those and then
   * depends on Chrome's checks alone, which were seen not to start in a quarter of the runs here.
   */
  private static final List<String> OUR_DISABLED_FEATURES = List.of("WebRtcHideLocalIpsWithMdns");

  /** Page events, called on the browser thread. */
  public interface Listener {
    void startRecording();

    void endRecording();

    /** Chrome went away on its own (crash, killed). */
    void crashed(String reason);

    /**
     * The built-in templates' VIDEO_DELAY report (with the room's sound left to the egress): per
     * participant identity, how long its pictures take from arrival to the screen (ms).
     */
    default void videoDelays(Map<String, Double> millisByIdentity) {}

    /** The built-in templates' EGRESS_METADATA: the egress participant's metadata, as UpdateLayout set it. */
    default void ownMetadata(String metadata) {}
  }

  /** How to start Chrome. */
  public record Options(String display, Map<String, String> soundEnv, String soundSink, int width, int height,
      Path userDataDir, boolean sandbox, boolean insecure, Map<String, String> extraFlags) {}

  private final Options options;
  private final Listener listener;
  private final CompletableFuture<Void> loaded = new CompletableFuture<>();
  private volatile boolean closing;
  private volatile long browserPid = -1;
  private final Thread thread;
  /** Scripts for the page, run on Chrome's thread (Playwright is not thread-safe). */
  private final java.util.concurrent.ConcurrentLinkedQueue<String> scripts = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private ChromeSession(Options options, Listener listener, String url) {
    this.options = options;
    this.listener = listener;
    this.thread = new Thread(() -> run(url), "chrome-" + options.userDataDir().getFileName());
    thread.setDaemon(true);
  }

  /**
   * Starts Chrome and loads {@code url}; returns once the page has loaded, or throws the reference's
   * errors ("page load error: …", "template error: …").
   */
  public static ChromeSession open(Options options, String url, Listener listener, OrphanReaper reaper) {
    ChromeSession s = new ChromeSession(options, listener, url);
    s.thread.start();
    try {
      s.loaded.get(LOAD_ATTEMPTS * (long) LOAD_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS);
      if (s.browserPid > 0) {
        reaper.track(s.browserPid);
      }
      return s;
    } catch (ExecutionException e) {
      s.close();
      throw e.getCause() instanceof RuntimeException r ? r : new BrowserException(e.getCause().getMessage());
    } catch (TimeoutException e) {
      s.close();
      throw new PsrpcException(PsrpcCode.DEADLINE_EXCEEDED, "page load error: timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.close();
      throw new BrowserException("interrupted while loading the page");
    }
  }

  /** Runs {@code script} in the page soon (within 50 ms); its result is not awaited. */
  public void evaluate(String script) {
    scripts.add(script);
  }

  /** The browser's main process, for the crash test and the reaper (-1 if not found). */
  public long browserPid() {
    return browserPid;
  }

  private void run(String url) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env))) {
      BrowserContext context = launch(playwright);
      Page page = context.pages().isEmpty() ? context.newPage() : context.pages().get(0);
      page.onConsoleMessage(this::console);
      page.onCrash(p -> crashed("Chrome crashed"));
      page.onPageError(e -> log.info("page error: {}", e));
      context.onClose(c -> crashed("Chrome exited"));
      try {
        WindowFit.check(page, options.width(), options.height());
        load(page, url);
        loaded.complete(null);
      } catch (RuntimeException e) {
        loaded.completeExceptionally(e);
        closing = true;
      }
      while (!closing) {
        try {
          for (String script = scripts.poll(); script != null; script = scripts.poll()) {
            page.evaluate(script);
          }
          page.waitForTimeout(50); // pumps console and crash events
        } catch (PlaywrightException e) {
          crashed("Chrome exited: " + firstLine(e.getMessage()));
          break;
        }
      }
      closing = true;
      try {
        context.close();
      } catch (PlaywrightException e) {
        log.debug("closing Chrome: {}", firstLine(e.getMessage()));
      }
    } catch (RuntimeException e) {
      loaded.completeExceptionally(new BrowserException("Chrome did not start: " + firstLine(e.getMessage())));
      if (loaded.isDone() && !closing) {
        crashed("Chrome failed: " + firstLine(e.getMessage()));
      }
    }
  }

  private BrowserContext launch(Playwright playwright) {
    List<String> args = new ArrayList<>(List.of("--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required", "--window-position=0,0",
        "--disable-features=" + String.join(",", concat(PLAYWRIGHT_DISABLED_FEATURES, OUR_DISABLED_FEATURES)),
        "--window-size=" + options.width() + "," + options.height(), "--kiosk"));
    if (!options.sandbox()) {
      args.add("--no-sandbox");
    }
    if (options.insecure()) {
      args.add("--ignore-certificate-errors");
    }
    options.extraFlags().forEach((name, value) -> {
      String flag = name.startsWith("--") ? name : "--" + name;
      args.add(value == null || value.isEmpty() || value.equals("true") ? flag : flag + "=" + value);
    });
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(options.soundEnv());
    env.put("DISPLAY", options.display());
    env.put("PULSE_SINK", options.soundSink());
    BrowserType.LaunchPersistentContextOptions o = new BrowserType.LaunchPersistentContextOptions()
        .setExecutablePath(Path.of(chromium())).setHeadless(false).setArgs(args).setEnv(env)
        .setViewportSize(null).setIgnoreDefaultArgs(List.of("--enable-automation",
            "--disable-features=" + String.join(",", PLAYWRIGHT_DISABLED_FEATURES)))
        .setIgnoreHTTPSErrors(options.insecure()).setTimeout(30_000);
    BrowserContext context = playwright.chromium().launchPersistentContext(options.userDataDir(), o);
    browserPid = findBrowserPid();
    return context;
  }

  private long findBrowserPid() {
    String marker = "--user-data-dir=" + options.userDataDir();
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)
            && List.of(a).stream().noneMatch(x -> x.startsWith("--type="))).orElse(false))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Path.of(c).toFile().canExecute()) {
        return c;
      }
    }
    throw new BrowserException("no Chromium found (install Debian's chromium package)");
  }

  private void load(Page page, String url) {
    // Chrome turns an error status with an empty body into a navigation error; keep the status
    Response[] document = new Response[1];
    page.onResponse(r -> {
      if (r.request().isNavigationRequest() && r.frame() == page.mainFrame()) {
        document[0] = r;
      }
    });
    for (int attempt = 1; ; attempt++) {
      document[0] = null;
      try {
        Response response = page.navigate(url, new Page.NavigateOptions().setTimeout(LOAD_TIMEOUT_MS));
        if (response != null && response.status() >= 400) {
          throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "page load error: " + response.statusText());
        }
        ElementHandle error = page.querySelector("div.error");
        if (error != null) {
          throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "template error: " + error.textContent().trim());
        }
        return;
      } catch (TimeoutError e) {
        if (attempt == LOAD_ATTEMPTS) {
          throw new PsrpcException(PsrpcCode.DEADLINE_EXCEEDED, "page load error: timed out");
        }
      } catch (PlaywrightException e) {
        if (document[0] != null && document[0].status() >= 400) {
          throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "page load error: " + document[0].statusText());
        }
        java.util.regex.Matcher net = java.util.regex.Pattern.compile("net::[A-Z_]+").matcher(String.valueOf(e.getMessage()));
        String reason = net.find() ? net.group() : firstLine(e.getMessage());
        if (attempt == LOAD_ATTEMPTS || !reason.startsWith("net::")) {
          throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "page load error: " + reason);
        }
      }
      log.info("page load attempt {} of {} failed, retrying", attempt, LOAD_ATTEMPTS);
    }
  }

  private void console(ConsoleMessage message) {
    // the page's own log is the first thing to read when a template misbehaves
    if ("error".equals(message.type()) || "warning".equals(message.type())) {
      log.info("page console {}: {}", message.type(), message.text());
    } else {
      log.debug("page console {}: {}", message.type(), message.text());
    }
    List<JSHandle> args = message.args();
    for (int i = 0; i < args.size(); i++) {
      Object value = jsonValue(args.get(i));
      if ("START_RECORDING".equals(value)) {
        listener.startRecording();
      } else if ("END_RECORDING".equals(value)) {
        listener.endRecording();
      } else if ("EGRESS_METADATA".equals(value) && i + 1 < args.size() && jsonValue(args.get(i + 1)) instanceof String m) {
        listener.ownMetadata(m);
        return;
      } else if ("VIDEO_DELAY".equals(value) && i + 1 < args.size() && jsonValue(args.get(i + 1)) instanceof Map<?, ?> m) {
        Map<String, Double> delays = new java.util.HashMap<>();
        m.forEach((k, v) -> {
          if (v instanceof Number n) {
            delays.put(String.valueOf(k), n.doubleValue());
          }
        });
        listener.videoDelays(delays);
        return;
      }
    }
  }

  private static Object jsonValue(JSHandle arg) {
    try {
      return arg.jsonValue();
    } catch (PlaywrightException e) {
      return null;
    }
  }

  private void crashed(String reason) {
    if (!closing) {
      closing = true;
      listener.crashed(reason);
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("").trim();
  }

  /** Closes Chrome (idempotent); returns once the browser thread ended. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Optional.of(browserPid).filter(p -> p > 0).flatMap(ProcessHandle::of).ifPresent(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    });
  }
}
