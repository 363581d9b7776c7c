package io.egressjava.server;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.RequestType;
import io.egressjava.server.track.TrackEgressRunner;
import io.egressjava.pipeline.PipelineRunner;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.BrowserSource;
import io.egressjava.source.browser.TemplateServer;
import java.nio.file.Path;
import java.time.Clock;
import livekit.LivekitEgress.EgressSourceType;

/**
 * The runners that really record: pages rendered by Chrome (web egress, and room composites whose
 * template is reachable) go through {@link BrowserSource} into the media pipeline; track egress
 * joins the room over WebRTC and writes the track as received ({@link TrackEgressRunner}). The
 * other room egresses (participant, track composite, audio-only composite) are refused with a
 * clear error until they are built on the room source.
 */
public final class MediaRunners implements RunnerFactory, AutoCloseable {
  private final EgressConfig config;
  private final Path workRoot;
  private final Clock clock;
  private BrowserEnvironment browser;
  private TemplateServer templates;

  /** @param workRoot where each egress writes before upload ({@code <workRoot>/<egress id>}) */
  public MediaRunners(EgressConfig config, Path workRoot, Clock clock) {
    this.config = config;
    this.workRoot = workRoot;
    this.clock = clock;
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    if (plan.sourceType() == EgressSourceType.EGRESS_SOURCE_TYPE_WEB) {
      BrowserSource source = new BrowserSource(plan, browser(), config.enableChromeSandbox(), config.insecure(),
          config.chromeFlags());
      return new PipelineRunner(config, source, workRoot.resolve(plan.egressId()), Path.of("/"), clock);
    }
    if (plan.requestType() == RequestType.TRACK) {
      return new TrackEgressRunner(config, workRoot.resolve(plan.egressId()), Path.of("/"), clock, null);
    }
    throw new PsrpcException(PsrpcCode.UNIMPLEMENTED,
        plan.requestType().label() + " egress needs the WebRTC room source, which this build does not have yet");
  }

  /**
   * Started on first use: PulseAudio, the orphan clean-up and the template site on
   * {@code template_port} are only needed for browser egress.
   */
  private synchronized BrowserEnvironment browser() {
    if (browser == null) {
      browser = BrowserEnvironment.create(workRoot.resolve("browser"));
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
