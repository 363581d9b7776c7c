package io.egressjava.server;

import io.egressjava.psrpc.MethodSpec;

/** The psrpc methods egress serves and calls, with their routing flags (protocol.md §1.6). */
public final class EgressRpc {
  private EgressRpc() {}

  public static final String EGRESS_INTERNAL = "EgressInternal";
  public static final String EGRESS_HANDLER = "EgressHandler";
  public static final String IO_INFO = "IOInfo";

  public static final MethodSpec START_EGRESS = MethodSpec.affinity(EGRESS_INTERNAL, "StartEgress");
  public static final MethodSpec LIST_ACTIVE_EGRESS = MethodSpec.multi(EGRESS_INTERNAL, "ListActiveEgress");
  public static final MethodSpec STOP_EGRESS = MethodSpec.queue(EGRESS_HANDLER, "StopEgress");
  public static final MethodSpec UPDATE_STREAM = MethodSpec.queue(EGRESS_HANDLER, "UpdateStream");
  public static final MethodSpec CREATE_EGRESS = MethodSpec.queue(IO_INFO, "CreateEgress");
  public static final MethodSpec UPDATE_EGRESS = MethodSpec.queue(IO_INFO, "UpdateEgress");
}
