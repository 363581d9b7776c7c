package io.egressjava.psrpc;

/**
 * Routing flags of one RPC, as psrpc derives them from method options (protocol.md §1.6).
 *
 * @param affinity servers score requests; the client picks the best claim
 * @param multi every server answers; no claim
 * @param requireClaim claim round trip before the handler runs
 * @param queue servers take a Redis lock so only one of them sees each request
 */
public record MethodSpec(String service, String method, boolean affinity, boolean multi, boolean requireClaim, boolean queue) {

  /** An affinity-routed method (e.g. EgressInternal.StartEgress). */
  public static MethodSpec affinity(String service, String method) {
    return new MethodSpec(service, method, true, false, true, false);
  }

  /** A method every server answers (e.g. EgressInternal.ListActiveEgress). */
  public static MethodSpec multi(String service, String method) {
    return new MethodSpec(service, method, false, true, false, false);
  }

  /** psrpc's default routing: queue lock, then a claim (e.g. EgressHandler.StopEgress, IOInfo.*). */
  public static MethodSpec queue(String service, String method) {
    return new MethodSpec(service, method, false, false, true, true);
  }
}
