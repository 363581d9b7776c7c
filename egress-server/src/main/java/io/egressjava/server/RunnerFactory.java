package io.egressjava.server;

import io.egressjava.core.lifecycle.EgressRunner;
import io.egressjava.core.plan.EgressPlan;

/** Makes the runner that records one planned egress. */
@FunctionalInterface
public interface RunnerFactory {
  EgressRunner create(EgressPlan plan);
}
