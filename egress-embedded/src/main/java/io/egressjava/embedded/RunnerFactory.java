package io.egressjava.embedded;

import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.plan.EgressPlan;

/** Makes the runner that records one planned egress. */
@FunctionalInterface
public interface RunnerFactory {
  EgressRunner create(EgressPlan plan);

  /** With the request as received, for runners that hand it on (handler processes re-plan it). */
  default EgressRunner create(EgressPlan plan, StartEgressRequest request) {
    return create(plan);
  }
}
