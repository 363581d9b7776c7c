package io.egressjava.server;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.source.room.media.RoomMediaSource;
import io.egressjava.source.room.media.TrackSource;
import io.egressjava.pipeline.MediaSource;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.pipeline.SplitSource;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.BrowserSource;
import io.egressjava.source.browser.ScreenDelays;
import io.egressjava.source.browser.TemplateServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongConsumer;
import livekit.LivekitEgress.EgressSourceType;

/**
 * The runners that really record: pages rendered by Chrome (web egress, and room composites whose
 * template is reachable) go through {@link BrowserSource}; track egress takes the track as received
 * ({@link TrackSource}); track composite, participant and audio-only room composite decode the
 * room's tracks ({@link RoomMediaSource}). Every one of them runs in the same {@link PipelineRunner}.
 */
public final class MediaRunners implements RunnerFactory, AutoCloseable {
  private final EgressConfig config;
  private final Path workRoot;
  private final Clock clock;
  private final boolean inHandler;
  private BrowserEnvironment browser;
  private TemplateServer templates;

  /** @param workRoot where each egress writes before upload ({@code <workRoot>/<egress id>}) */
  public MediaRunners(EgressConfig config, Path workRoot, Clock clock) {
    this(config, workRoot, clock, false);
  }

  private MediaRunners(EgressConfig config, Path workRoot, Clock clock, boolean inHandler) {
    this.config = config;
    this.workRoot = workRoot;
    this.clock = clock;
    this.inHandler = inHandler;
  }

  /**
   * For a handler process that records one egress: the service serves the template site and owns
   * the node's PulseAudio; the handler attaches to it ({@link BrowserEnvironment#attach}).
   */
  public static MediaRunners inHandler(EgressConfig config, Path workRoot, Clock clock) {
    return new MediaRunners(config, workRoot, clock, true);
  }

  /** Where the browser environment shared by every egress of this node lives. */
  public static Path sharedBrowserDir(Path workRoot) {
    return workRoot.resolve("browser");
  }

  /** Where one handler process keeps its browser processes' records and profiles. */
  public static Path handlerBrowserDir(Path workRoot, String egressId) {
    return workRoot.resolve(egressId).resolve("browser");
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    if (plan.sourceType() == EgressSourceType.EGRESS_SOURCE_TYPE_WEB) {
      return new PipelineRunner(config, pageSource(plan), workRoot.resolve(plan.egressId()), Path.of("/"), clock);
    }
    if (plan.passthrough()) { // track egress, or v2 media without transcoding: written as received
      return new PipelineRunner(config, new TrackSource(plan, null), workRoot.resolve(plan.egressId()), Path.of("/"), clock);
    }
    return switch (plan.requestType()) {
      case TRACK_COMPOSITE, PARTICIPANT, ROOM_COMPOSITE, TEMPLATE, MEDIA -> new PipelineRunner(config, new RoomMediaSource(plan, null),
          workRoot.resolve(plan.egressId()), Path.of("/"), clock);
      default -> throw new PsrpcException(PsrpcCode.UNIMPLEMENTED,
          plan.requestType().label() + " egress from the room's tracks is not supported by this build");
    };
  }

  /**
   * A page rendered by Chrome. A room composite on the built-in templates takes its sound from the
   * room's tracks instead (Chrome's playout stretches and shifts it): a participant of its own mixes
   * them, each placed as late as the page reports its pictures reach the screen, on the capture's clock.
   */
  private MediaSource pageSource(EgressPlan plan) {
    if (plan.source().mixesRoomAudio() && !plan.video().enabled()) {
      return new RoomMediaSource(plan, null); // nothing to show: no page needed
    }
    BrowserSource page = new BrowserSource(plan, browser(plan.egressId()), config.enableChromeSandbox(), config.insecure(),
        config.chromeFlags());
    if (!plan.source().mixesRoomAudio()) {
      return page;
    }
    RoomMediaSource sound = new RoomMediaSource(plan, plan.source().roomAudioToken(), null);
    LongConsumer origin = sound.originFromElsewhere();
    ScreenDelays delays = new ScreenDelays();
    sound.delayAudio(delays::seconds);
    page.timing(new BrowserSource.PageTiming() {
      @Override
      public void captureStarted(long originNanos) {
        origin.accept(originNanos);
      }

      @Override
      public void videoDelays(Map<String, Double> millisByIdentity) {
        delays.report(millisByIdentity);
      }
    });
    return new SplitSource(page, sound);
  }

  /**
   * Started on first use: PulseAudio, the orphan clean-up and the template site on
   * {@code template_port} are only needed for browser egress.
   */
  private synchronized BrowserEnvironment browser(String egressId) {
    if (browser == null && inHandler) {
      browser = BrowserEnvironment.attach(sharedBrowserDir(workRoot), handlerBrowserDir(workRoot, egressId));
    } else if (browser == null) {
      browser = BrowserEnvironment.create(sharedBrowserDir(workRoot));
      templates = TemplateServer.start(config.templatePort());
    }
    return browser;
  }

  /** Stops the template site. */
  @Override
  public synchronized void close() {
    if (templates != null) {
      templates.close();
      templates = null;
    }
  }
}
