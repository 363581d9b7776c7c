package io.egressjava.embedded;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.SourceProvider;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.pipeline.PipelineRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The runners that really record: every egress is a {@link PipelineRunner} over the source the
 * first {@link SourceProvider} on the classpath makes for its plan (egress-source-room: track,
 * track composite, participant, audio-only room composite; egress-source-browser: web and room
 * composite pages). A plan no provider takes is refused as not supported by this build.
 */
public final class MediaRunners implements RunnerFactory, AutoCloseable {
  private final EgressConfig config;
  private final Path workRoot;
  private final Clock clock;
  private final SourceProvider.Context context;
  private final List<SourceProvider> providers = new ArrayList<>();

  /** @param workRoot where each egress writes before upload ({@code <workRoot>/<egress id>}) */
  public MediaRunners(EgressConfig config, Path workRoot, Clock clock) {
    this(config, workRoot, clock, false);
  }

  private MediaRunners(EgressConfig config, Path workRoot, Clock clock, boolean inHandler) {
    this.config = config;
    this.workRoot = workRoot;
    this.clock = clock;
    this.context = new SourceProvider.Context(config, workRoot, inHandler);
    ServiceLoader.load(SourceProvider.class, MediaRunners.class.getClassLoader()).forEach(providers::add);
    providers.sort(Comparator.comparingInt(SourceProvider::priority).reversed());
  }

  /** For a handler process that records one egress for a service (see {@link SourceProvider.Context}). */
  public static MediaRunners inHandler(EgressConfig config, Path workRoot, Clock clock) {
    return new MediaRunners(config, workRoot, clock, true);
  }

  @Override
  public EgressRunner create(EgressPlan plan) {
    for (SourceProvider provider : providers) {
      MediaSource source = provider.create(plan, context);
      if (source != null) {
        return new PipelineRunner(config, source, workRoot.resolve(plan.egressId()), Path.of("/"), clock);
      }
    }
    throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, plan.requestType().label()
        + " egress is not supported by this build: no source module on the classpath takes it");
  }

  /** Releases what the providers' sources shared (the template site). */
  @Override
  public void close() {
    providers.forEach(SourceProvider::close);
  }
}
