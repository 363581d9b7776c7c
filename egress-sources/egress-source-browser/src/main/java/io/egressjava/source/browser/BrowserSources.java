package io.egressjava.source.browser;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.SourceProvider;
import io.egressjava.core.media.SplitSource;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.source.room.media.RoomMediaSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Pages rendered by Chrome: web egress, and room composites on a template. A room composite on the
 * built-in templates takes its sound from the room's tracks instead (Chrome's playout stretches
 * and shifts it): a participant of its own mixes them, each placed as late as the page reports its
 * pictures reach the screen, on the capture's clock. Chrome's environment (PulseAudio, the orphan
 * clean-up) and the template site start on first use and are shared by the node's egresses.
 */
public final class BrowserSources implements SourceProvider {
  private BrowserEnvironment browser;
  private TemplateServer templates;

  /** Where the browser environment shared by every egress of this node lives. */
  public static Path sharedDir(Path workRoot) {
    return workRoot.resolve("browser");
  }

  /** Where one handler process keeps its browser processes' records and profiles. */
  public static Path handlerDir(Path workRoot, String egressId) {
    return workRoot.resolve(egressId).resolve("browser");
  }

  /** Before the room's sources: a room composite with pictures is a page. */
  @Override
  public int priority() {
    return 10;
  }

  @Override
  public MediaSource create(EgressPlan plan, Context context) {
    if (!plan.rendersPage()) {
      return null;
    }
    var config = context.config();
    BrowserSource page = new BrowserSource(plan, browser(context, plan.egressId()), config.enableChromeSandbox(),
        config.insecure(), config.chromeFlags());
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
   * In a handler process the service serves the template site and owns the node's PulseAudio: the
   * handler attaches to it. Elsewhere both start here, on first use.
   */
  private synchronized BrowserEnvironment browser(Context context, String egressId) {
    if (browser == null && context.inHandler()) {
      browser = BrowserEnvironment.attach(sharedDir(context.workRoot()), handlerDir(context.workRoot(), egressId));
    } else if (browser == null) {
      browser = BrowserEnvironment.create(sharedDir(context.workRoot()));
      templates = TemplateServer.start(context.config().templatePort());
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
