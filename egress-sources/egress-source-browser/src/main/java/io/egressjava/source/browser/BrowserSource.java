package io.egressjava.source.browser;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.media.ffmpeg.AvPicture;
import io.egressjava.media.ffmpeg.DeviceCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web and room-composite media from a page rendered by Chrome: one Xvfb display and one PulseAudio
 * null sink per egress, captured in-process. Recording starts at once, or at the page's
 * {@code START_RECORDING} when the plan waits for it; {@code END_RECORDING} ends the egress; a
 * Chrome crash fails it (the outputs are still finalized by the pipeline). Everything allocated
 * is released in {@link #stop}, whatever state the start reached.
 */
public final class BrowserSource implements MediaSource {
  private static final Logger log = LoggerFactory.getLogger(BrowserSource.class);

  private final EgressPlan plan;
  private final BrowserEnvironment env;
  private final boolean sandbox;
  private final boolean insecure;
  private final Map<String, String> chromeFlags;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean capturing = new AtomicBoolean();
  private volatile PageTiming timing = PageTiming.NONE;
  private final java.util.concurrent.ExecutorService metadataQueue = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "browser-metadata");
    t.setDaemon(true);
    return t;
  });
  /** Time zero of the capture ({@link System#nanoTime}); 0 before it starts. */
  private volatile long captureOriginNanos;
  private Receiver receiver;
  private Thread starter;
  private VirtualDisplay display;
  private SoundServer.Sink sink;
  private ChromeSession chrome;
  /** Who is left out, kept for the page (under this). */
  private io.egressjava.core.media.TrackFilter filter = io.egressjava.core.media.TrackFilter.NONE;
  private DeviceCapture capture;

  public BrowserSource(EgressPlan plan, BrowserEnvironment env, boolean sandbox, boolean insecure) {
    this(plan, env, sandbox, insecure, Map.of());
  }

  /** @param chromeFlags the operator's {@code chrome_flags} */
  public BrowserSource(EgressPlan plan, BrowserEnvironment env, boolean sandbox, boolean insecure,
      Map<String, String> chromeFlags) {
    this.chromeFlags = Map.copyOf(chromeFlags);
    this.plan = plan;
    this.env = env;
    this.sandbox = sandbox && !"root".equals(System.getProperty("user.name"));
    if (sandbox && !this.sandbox) {
      log.warn("Chrome's sandbox cannot run as root; running {} without it", plan.egressId());
    }
    this.insecure = insecure;
  }

  /**
   * What a room composite's mixed sound needs from the page: when the capture's time zero is, and
   * how late each participant's pictures reach the screen. Called from the capture and browser threads.
   */
  public interface PageTiming {
    PageTiming NONE = new PageTiming() { };

    /** The capture started: its time zero, as {@link System#nanoTime}. */
    default void captureStarted(long originNanos) {}

    /** Per participant identity, arrival-to-screen delay of its pictures (ms). */
    default void videoDelays(Map<String, Double> millisByIdentity) {}
  }

  /**
   * The built-in templates hide left-out participants' tiles (and mute their sound when the page
   * plays it) through {@code window.egressFilter}; a custom page that defines none is not changed.
   * Before the page is open the filter is kept, and given to the page as it opens.
   */
  @Override
  public boolean filter(io.egressjava.core.media.TrackFilter filter) {
    ChromeSession ch;
    synchronized (this) {
      this.filter = filter;
      ch = chrome;
    }
    if (ch != null) {
      tellPage(ch, filter);
    }
    return true;
  }

  private static void tellPage(ChromeSession ch, io.egressjava.core.media.TrackFilter filter) {
    String list;
    try {
      list = JSON.writeValueAsString(filter.excluded());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    ch.evaluate("window.egressFilter && window.egressFilter(" + list + ")");
  }

  @Override
  public double clockSeconds() {
    long origin = captureOriginNanos;
    return origin == 0 ? Double.NaN : (System.nanoTime() - origin) / 1e9;
  }

  /** Set before {@link #start}. */
  public void timing(PageTiming timing) {
    this.timing = timing;
  }

  /** The page's own sound is captured unless the egress mixes the room's (the page then plays none). */
  private boolean capturesSound() {
    return plan.audio().enabled() && !plan.source().mixesRoomAudio();
  }

  @Override
  public void start(Receiver receiver) {
    this.receiver = receiver;
    starter = new Thread(this::open, "browser-" + plan.egressId());
    starter.start();
  }

  private void open() {
    try {
      var e = plan.encoding();
      synchronized (this) {
        if (stopped.get()) {
          return;
        }
        // a pixel wider and taller than the picture: Chromium's kiosk window on a bare X server is
        // a pixel short of the screen (639x359 on 640x360, measured), this way exactly the picture
        // (WindowFit checks it); the capture takes the picture's size from the top left
        display = VirtualDisplay.start(e.width() + 1, e.height() + 1, env.reaper());
        sink = env.sound().createSink(plan.egressId());
      }
      // (a sink is made even when its sound is not captured: Chrome's own output goes nowhere else)
      ChromeSession.Options options = new ChromeSession.Options(display.display(), env.sound().clientEnv(), sink.name(),
          e.width(), e.height(), env.profileDir(plan.egressId()), sandbox, insecure, chromeFlags);
      ChromeSession session = ChromeSession.open(options, plan.source().webUrl(), new PageEvents(), env.reaper());
      io.egressjava.core.media.TrackFilter leftOut;
      synchronized (this) {
        chrome = session;
        if (stopped.get()) {
          return;
        }
        leftOut = filter;
      }
      if (!leftOut.excluded().isEmpty()) {
        tellPage(session, leftOut); // set before the page opened (a JSON layout in the request)
      }
      if (!plan.source().awaitStartSignal()) {
        beginCapture();
      }
    } catch (PsrpcException ex) {
      fail(ex);
    } catch (RuntimeException ex) {
      fail(new PsrpcException(PsrpcCode.INTERNAL, String.valueOf(ex.getMessage())));
    }
  }

  private void beginCapture() {
    if (!capturing.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (stopped.get()) {
        return;
      }
      var e = plan.encoding();
      capture = new DeviceCapture(plan.video().enabled() ? display.display() : null, e.width(), e.height(), e.framerate(),
          capturesSound() ? sink.monitor() : null, env.sound().address());
      // time zero on both clocks: devices stamp the wall clock, the room's sound counts System.nanoTime
      java.time.Instant now = java.time.Instant.now();
      long nanos = System.nanoTime();
      captureOriginNanos = nanos;
      timing.captureStarted(nanos);
      log.info("{}: capturing the page, time zero {} µs after the epoch", plan.egressId(),
          now.getEpochSecond() * 1_000_000 + now.getNano() / 1000);
      capture.start(now.getEpochSecond() * 1_000_000 + now.getNano() / 1000, new DeviceCapture.Sink() {
        @Override
        public void picture(AVFrame frame, double seconds) {
          receiver.video(AvPicture.of(frame), seconds);
        }

        @Override
        public void sound(byte[] pcm, int length, double seconds) {
          receiver.audio(pcm, length, seconds);
        }

        @Override
        public void failed(String device, String error) {
          fail(new PsrpcException(PsrpcCode.INTERNAL, device + " capture failed: " + error));
        }
      });
    }
  }

  /** Failures are reported off the browser and capture threads, which the pipeline's stop joins. */
  private void fail(PsrpcException error) {
    if (!stopped.get()) {
      Thread t = new Thread(() -> receiver.failed(error), "browser-fail-" + plan.egressId());
      t.start();
    }
  }

  private final class PageEvents implements ChromeSession.Listener {
    @Override
    public void startRecording() {
      if (plan.source().awaitStartSignal()) {
        new Thread(BrowserSource.this::beginCapture, "browser-capture-" + plan.egressId()).start();
      }
    }

    @Override
    public void endRecording() {
      log.info("{}: END_RECORDING from the page", plan.egressId());
      Thread t = new Thread(() -> receiver.ended(), "browser-end-" + plan.egressId());
      t.start();
    }

    @Override
    public void crashed(String reason) {
      log.warn("{}: {}", plan.egressId(), reason);
      fail(new PsrpcException(PsrpcCode.INTERNAL, reason));
    }

    @Override
    public void videoDelays(Map<String, Double> millisByIdentity) {
      timing.videoDelays(millisByIdentity);
    }

    /** Off the browser thread (pausing waits for the pipeline's lock), one at a time and in order. */
    @Override
    public void ownMetadata(String metadata) {
      try {
        metadataQueue.execute(() -> receiver.ownMetadata(metadata));
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        // the egress is ending: nothing to pause any more
      }
    }
  }

  /** The X display this egress renders on (for tools that inspect it, e.g. the benchmark's peer capture). */
  public synchronized String display() {
    return display == null ? null : display.display();
  }

  /** The PulseAudio source carrying this egress's sound. */
  public synchronized String soundMonitor() {
    return sink == null ? null : sink.monitor();
  }

  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    metadataQueue.shutdown();
    join(starter);
    DeviceCapture c;
    ChromeSession ch;
    synchronized (this) {
      c = capture;
      ch = chrome;
    }
    if (c != null) {
      c.close();
    }
    if (ch != null) {
      ch.close();
      env.reaper().untrack(ch.browserPid());
    }
    if (sink != null) {
      env.sound().remove(sink);
    }
    if (display != null) {
      display.close();
      env.reaper().untrack(display.pid());
    }
    deleteTree(env.profileDir(plan.egressId()));
  }

  private static void join(Thread t) {
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(120_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteTree(Path dir) {
    try {
      io.egressjava.core.files.FileTrees.delete(dir);
    } catch (IOException e) {
      log.debug("profile {} not removed: {}", dir, e.getMessage());
    }
  }
}
