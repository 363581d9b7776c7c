package io.egressjava.core.media;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.core.plan.EgressPlan;
import java.nio.file.Path;

/**
 * Makes the {@link MediaSource} for the plans it knows (the room's tracks, a page in Chrome). Found
 * through {@link java.util.ServiceLoader}: which source modules are on the classpath decides which
 * egress types a build can run. One instance serves every egress of a node, so it may keep what
 * they share (Chrome's environment, the template site) until {@link #close}.
 */
public interface SourceProvider extends AutoCloseable {

  /**
   * Where the sources run.
   *
   * @param workRoot where each egress writes ({@code <workRoot>/<egress id>})
   * @param inHandler in a handler process that records one egress for a service, which owns what
   *     the node's egresses share (it starts the template site and PulseAudio)
   */
  record Context(EgressConfig config, Path workRoot, boolean inHandler) {}

  /** Asked first when higher: a provider that takes a plan only in some shapes goes before the general one. */
  default int priority() {
    return 0;
  }

  /** The source for {@code plan}, or null when this provider has none for it. */
  MediaSource create(EgressPlan plan, Context context);

  /** Releases what the provider's sources shared. */
  @Override
  default void close() {}
}
