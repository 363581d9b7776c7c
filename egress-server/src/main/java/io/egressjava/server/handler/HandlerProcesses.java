package io.egressjava.server.handler;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.server.MediaRunners;
import io.egressjava.server.RunnerFactory;
import io.egressjava.source.browser.BrowserEnvironment;
import io.egressjava.source.browser.TemplateServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import livekit.LivekitEgress.EgressSourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every egress in a handler process of its own ({@link HandlerProcessRunner}), so that a
 * crash or a kill takes down that egress alone. The service keeps what all handlers share: the
 * template site and the node's PulseAudio; after a handler exits it removes what that handler
 * left (Chrome, Xvfb, its audio sink, its work directory).
 */
public final class HandlerProcesses implements RunnerFactory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandlerProcesses.class);

  private final EgressConfig config;
  private final Path workRoot;
  private final HandlerLauncher launcher;
  private final Map<String, HandlerProcessRunner> running = new ConcurrentHashMap<>();
  private BrowserEnvironment browser;
  private TemplateServer templates;

  /**
   * @param configBody the YAML the service was configured with, handed to each handler
   * @param workRoot where each egress writes before upload ({@code <workRoot>/<egress id>})
   */
  public HandlerProcesses(EgressConfig config, String configBody, Path workRoot) {
    this.config = config;
    this.workRoot = workRoot;
    this.launcher = new HandlerLauncher(configBody, workRoot);
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    throw new IllegalStateException("a handler process needs the request: create(plan, request)");
  }

  @Override
  public EgressRunner create(EgressPlan plan, StartEgressRequest request) {
    if (plan.sourceType() == EgressSourceType.EGRESS_SOURCE_TYPE_WEB) {
      sharedBrowser();
    }
    return new HandlerProcessRunner(launcher, request, new HandlerProcessRunner.Listener() {
      @Override
      public void ready(HandlerProcessRunner runner) {
        running.put(runner.egressId(), runner);
      }

      @Override
      public void exited(HandlerProcessRunner runner) {
        HandlerProcesses.this.exited(runner);
      }
    });
  }

  /** The handler processes now running, by egress ID. */
  public Map<String, HandlerProcessRunner> running() {
    return Map.copyOf(running);
  }

  private void exited(HandlerProcessRunner runner) {
    String id = runner.egressId();
    running.remove(id);
    BrowserEnvironment.reapHandler(MediaRunners.sharedBrowserDir(workRoot), MediaRunners.handlerBrowserDir(workRoot, id),
        id);
    deleteTree(workRoot.resolve(id));
  }

  /** The node's PulseAudio and the template site, started with the first browser egress. */
  private synchronized void sharedBrowser() {
    if (browser == null) {
      browser = BrowserEnvironment.create(MediaRunners.sharedBrowserDir(workRoot));
      templates = TemplateServer.start(config.templatePort());
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", dir, e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (templates != null) {
      templates.close();
      templates = null;
    }
  }
}
