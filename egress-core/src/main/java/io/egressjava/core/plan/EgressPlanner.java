package io.egressjava.core.plan;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.rpc.StartEgressRequest;
import java.time.Clock;

/**
 * Turns a StartEgress request into an {@link EgressPlan}, validating it with the reference's checks,
 * in the reference's order, with its error codes and messages (livekit/egress pkg/config). Nothing
 * here touches the network, the disk or native code.
 */
public final class EgressPlanner {
  private final EgressConfig config;
  private final Clock clock;
  private final StorageResolver storage;
  private final UrlAllowlist allowlist;

  public EgressPlanner(EgressConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.storage = new StorageResolver(config);
    this.allowlist = new UrlAllowlist(config.webUrlAllowlist());
  }

  public EgressPlan plan(StartEgressRequest request) {
    if (request.getEgressId().isEmpty()) {
      throw EgressErrors.invalidInput("egressID");
    }
    return new PlanDraft(config, clock, storage, allowlist, request).build();
  }

}
