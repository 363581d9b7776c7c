package io.egressjava.core.lifecycle;

import io.egressjava.api.errors.EgressErrors;
import io.egressjava.core.plan.EgressPlan;
import java.util.List;

/**
 * What records one egress (sources → media → sinks → storage). It reports progress through the
 * {@link EgressSession}: {@link EgressSession#active()} once media flows, then
 * {@link EgressSession#complete}, {@link EgressSession#fail} or {@link EgressSession#limitReached}.
 */
public interface EgressRunner {

  /** Starts recording without blocking. */
  void start(EgressPlan plan, EgressSession session);

  /** Ends gracefully: finalize and upload outputs, then complete the session. */
  void stop();

  /** Adds and removes stream URLs while running. */
  default void updateStream(List<String> addUrls, List<String> removeUrls) {
    throw EgressErrors.nonStreamingPipeline();
  }
}
