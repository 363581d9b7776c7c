package io.egressjava.psrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.api.psrpc.ClaimRequest;
import io.egressjava.api.psrpc.ClaimResponse;
import io.egressjava.api.psrpc.Request;
import io.egressjava.api.psrpc.Response;
import io.egressjava.api.wire.GoWireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one psrpc service. Subscribes to its RES and CLAIM channels when created (before
 * any request), then publishes requests, selects a server among claims, and waits for responses.
 */
public final class RpcClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcClient.class);

  /** Server selection and timeouts (protocol.md §1.7). */
  public record CallOptions(Duration timeout, Duration selectionTimeout, Duration shortCircuit,
      boolean acceptFirstAvailable, float maximumAffinity, float minimumAffinity) {
    /** psrpc's defaults for a non-affinity method: accept the first claim. */
    public static CallOptions queue(Duration timeout, Duration selectionTimeout) {
      return new CallOptions(timeout, selectionTimeout, Duration.ofMillis(200), true, 0, 0);
    }

    /** Multi-RPC: collect every response until the timeout. */
    public static CallOptions multi(Duration timeout) {
      return new CallOptions(timeout, Duration.ZERO, Duration.ZERO, false, 0, 0);
    }
  }

  /** One server's answer to a multi-RPC: a response or an error. */
  public record Result<R>(R response, PsrpcException error) {}

  private static final class Pending {
    final BlockingQueue<ClaimRequest> claims = new LinkedBlockingQueue<>();
    final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();
  }

  private final MessageBus bus;
  private final String service;
  private final String clientId = PsrpcIds.clientId();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final MessageBus.Subscription resSub;
  private final MessageBus.Subscription claimSub;
  private volatile boolean listening;

  public RpcClient(MessageBus bus, String service) {
    this.bus = bus;
    this.service = service;
    this.resSub = bus.subscribe(ChannelNames.response(service, clientId), false, this::onResponse);
    this.claimSub = bus.subscribe(ChannelNames.claimRequest(service, clientId), false, this::onClaim);
  }

  public String clientId() {
    return clientId;
  }

  /** The channels this client listens on (its RES and CLAIM channels). */
  public List<String> channels() {
    return List.of(ChannelNames.response(service, clientId), ChannelNames.claimRequest(service, clientId));
  }

  private void onResponse(byte[] payload) {
    Response res = parse(payload, "internal.Response", Response.parser());
    Pending p = res == null ? null : pending.get(res.getRequestId());
    if (p != null) {
      p.responses.add(res);
    }
  }

  private void onClaim(byte[] payload) {
    ClaimRequest claim = parse(payload, "internal.ClaimRequest", ClaimRequest.parser());
    Pending p = claim == null ? null : pending.get(claim.getRequestId());
    if (p != null) {
      p.claims.add(claim);
    }
  }

  /** The envelope, or null (logged) when it is of another type or malformed. */
  private <T> T parse(byte[] payload, String type, Parser<T> parser) {
    try {
      return Envelopes.parse(payload, type, parser);
    } catch (InvalidProtocolBufferException e) {
      log.warn("{}: dropped a malformed {}: {}", service, type, e.getMessage());
      return null;
    }
  }

  /** Answers published before our RES/CLAIM subscriptions are confirmed would be lost. */
  private void awaitListening(java.time.Duration timeout) {
    if (!listening) {
      listening = bus.awaitSubscribed(channels(), timeout);
      if (!listening) {
        log.warn("{}: reply channels not confirmed by Redis yet; calling anyway", service);
      }
    }
  }

  /** A unary call. Throws {@link PsrpcException} with the server's (or psrpc's) code. */
  public <R extends Message> R call(MethodSpec spec, String topic, Message request, Parser<R> parser, CallOptions options) {
    awaitListening(options.timeout());
    String requestId = PsrpcIds.requestId();
    Pending p = new Pending();
    pending.put(requestId, p);
    try {
      long start = RpcServer.nowNanos();
      long deadline = start + options.timeout().toNanos();
      bus.publish(ChannelNames.request(service, spec.method(), topic), Envelopes.wrap(Request.newBuilder()
          .setRequestId(requestId).setClientId(clientId).setSentAt(start).setExpiry(deadline)
          .setRawRequest(GoWireFormat.toByteString(request)).build()));
      if (spec.requireClaim()) {
        String winner = selectServer(p, requestId, options, deadline);
        bus.publish(ChannelNames.claimResponse(service, spec.method(), topic), Envelopes.wrap(ClaimResponse.newBuilder()
            .setRequestId(requestId).setServerId(winner).build()));
      }
      Response res = p.responses.poll(Math.max(deadline - RpcServer.nowNanos(), 0), TimeUnit.NANOSECONDS);
      if (res == null) {
        throw new PsrpcException(PsrpcCode.DEADLINE_EXCEEDED, "request timed out");
      }
      return decode(res, parser);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PsrpcException(PsrpcCode.CANCELED, "request canceled");
    } finally {
      pending.remove(requestId);
    }
  }

  /** A multi-RPC: every server's answer that arrives before the timeout. */
  public <R extends Message> List<Result<R>> callMulti(MethodSpec spec, String topic, Message request, Parser<R> parser,
      CallOptions options) {
    awaitListening(options.timeout());
    String requestId = PsrpcIds.requestId();
    Pending p = new Pending();
    pending.put(requestId, p);
    List<Result<R>> results = new ArrayList<>();
    try {
      long start = RpcServer.nowNanos();
      long deadline = start + options.timeout().toNanos();
      bus.publish(ChannelNames.request(service, spec.method(), topic), Envelopes.wrap(Request.newBuilder()
          .setRequestId(requestId).setClientId(clientId).setSentAt(start).setExpiry(deadline).setMulti(true)
          .setRawRequest(GoWireFormat.toByteString(request)).build()));
      while (true) {
        Response res = p.responses.poll(Math.max(deadline - RpcServer.nowNanos(), 0), TimeUnit.NANOSECONDS);
        if (res == null) {
          return results;
        }
        try {
          results.add(new Result<>(decode(res, parser), null));
        } catch (PsrpcException e) {
          results.add(new Result<>(null, e));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return results;
    } finally {
      pending.remove(requestId);
    }
  }

  /** psrpc's selection: accept-first, or the best affinity within the window (short-circuited). */
  private String selectServer(Pending p, String requestId, CallOptions o, long deadline) throws InterruptedException {
    long now = RpcServer.nowNanos();
    long windowEnd = o.selectionTimeout().isZero() ? deadline : Math.min(deadline, now + o.selectionTimeout().toNanos());
    long shortCircuitEnd = Long.MAX_VALUE;
    String best = null;
    float bestAffinity = 0;
    int received = 0;
    while (true) {
      long until = Math.min(windowEnd, shortCircuitEnd);
      long wait = until - RpcServer.nowNanos();
      ClaimRequest claim = wait > 0 ? p.claims.poll(wait, TimeUnit.NANOSECONDS) : null;
      if (claim == null) {
        Response early = p.responses.peek();
        if (best != null) {
          return best;
        }
        if (early != null && !early.getError().isEmpty()) {
          throw new PsrpcException(PsrpcCode.fromWire(early.getCode()), early.getError());
        }
        if (received > 0) {
          throw new PsrpcException(PsrpcCode.UNAVAILABLE, "no servers available (received " + received + " responses)");
        }
        throw new PsrpcException(PsrpcCode.UNAVAILABLE, "no response from servers");
      }
      received++;
      if (o.minimumAffinity() > 0 && claim.getAffinity() < o.minimumAffinity()) {
        continue;
      }
      if (o.acceptFirstAvailable() || (o.maximumAffinity() > 0 && claim.getAffinity() >= o.maximumAffinity())) {
        return claim.getServerId();
      }
      if (claim.getAffinity() > bestAffinity) {
        bestAffinity = claim.getAffinity();
        best = claim.getServerId();
      }
      if (shortCircuitEnd == Long.MAX_VALUE && !o.shortCircuit().isZero()) {
        shortCircuitEnd = RpcServer.nowNanos() + o.shortCircuit().toNanos();
      }
    }
  }

  private static <R extends Message> R decode(Response res, Parser<R> parser) {
    if (!res.getError().isEmpty()) {
      throw new PsrpcException(PsrpcCode.fromWire(res.getCode()), res.getError());
    }
    try {
      return parser.parseFrom(res.getRawResponse());
    } catch (InvalidProtocolBufferException e) {
      throw new PsrpcException(PsrpcCode.MALFORMED_RESULT, e.getMessage());
    }
  }

  @Override
  public void close() {
    resSub.close();
    claimSub.close();
  }
}
