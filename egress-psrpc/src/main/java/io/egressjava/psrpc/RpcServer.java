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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one psrpc service: handlers registered per method and topic, each request
 * decoded, claimed (with affinity) when the method needs it, handled, and answered on the caller's
 * RES channel. Malformed payloads are logged and dropped.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  /** Handles one decoded request; throw {@link PsrpcException} for a coded error. */
  @FunctionalInterface
  public interface Handler<Q extends Message> {
    Message handle(Q request, RequestContext context) throws Exception;
  }

  /** Scores a request: negative means "not me" (no claim is sent). */
  @FunctionalInterface
  public interface Affinity<Q extends Message> {
    float affinity(Q request);
  }

  /** What a handler knows about the call. */
  public record RequestContext(String requestId, String clientId, Instant deadline, Map<String, String> metadata) {}

  /** A registered method on a topic; closing it unsubscribes. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private final MessageBus bus;
  private final String service;
  private final String serverId = PsrpcIds.serverId();
  private final ExecutorService handlers;

  public RpcServer(MessageBus bus, String service) {
    this.bus = bus;
    this.service = service;
    AtomicInteger n = new AtomicInteger();
    this.handlers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "psrpc-" + service + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public String serverId() {
    return serverId;
  }

  public <Q extends Message> Registration register(MethodSpec spec, String topic, Parser<Q> parser,
      Affinity<Q> affinity, Handler<Q> handler) {
    Map<String, CompletableFuture<ClaimResponse>> claims = new ConcurrentHashMap<>();
    MessageBus.Subscription claimSub = null;
    if (spec.requireClaim()) {
      claimSub = bus.subscribe(ChannelNames.claimResponse(service, spec.method(), topic), false, payload -> {
        try {
          ClaimResponse claim = Envelopes.parse(payload, "internal.ClaimResponse", ClaimResponse.parser());
          if (claim == null) {
            log.warn("{}.{}: dropped a claim response of another type", service, spec.method());
            return;
          }
          CompletableFuture<ClaimResponse> waiting = claims.get(claim.getRequestId());
          if (waiting != null) {
            waiting.complete(claim);
          }
        } catch (InvalidProtocolBufferException e) {
          log.warn("{}.{}: dropped a malformed claim response: {}", service, spec.method(), e.getMessage());
        }
      });
    }
    MessageBus.Subscription requestSub = bus.subscribe(ChannelNames.request(service, spec.method(), topic), spec.queue(),
        payload -> onRequest(spec, payload, parser, affinity, handler, claims));
    MessageBus.Subscription claimSubscription = claimSub;
    List<String> channels = spec.requireClaim()
        ? List.of(ChannelNames.request(service, spec.method(), topic), ChannelNames.claimResponse(service, spec.method(), topic))
        : List.of(ChannelNames.request(service, spec.method(), topic));
    if (!bus.awaitSubscribed(channels, java.time.Duration.ofSeconds(5))) {
      log.warn("{}.{}: subscription not confirmed by Redis within 5 s", service, spec.method());
    }
    return () -> {
      requestSub.close();
      if (claimSubscription != null) {
        claimSubscription.close();
      }
    };
  }

  private <Q extends Message> void onRequest(MethodSpec spec, byte[] payload, Parser<Q> parser, Affinity<Q> affinity,
      Handler<Q> handler, Map<String, CompletableFuture<ClaimResponse>> claims) {
    Request request;
    try {
      request = Envelopes.parse(payload, "internal.Request", Request.parser());
      if (request == null) {
        log.warn("{}.{}: dropped a payload that is not an internal.Request", service, spec.method());
        return;
      }
    } catch (InvalidProtocolBufferException e) {
      log.warn("{}.{}: dropped a malformed payload ({} bytes): {}", service, spec.method(), payload.length, e.getMessage());
      return;
    }
    long now = nowNanos();
    if (now >= request.getExpiry()) {
      log.debug("{}.{}: dropped expired request {}", service, spec.method(), request.getRequestId());
      return;
    }
    handlers.execute(() -> handle(spec, request, parser, affinity, handler, claims));
  }

  private <Q extends Message> void handle(MethodSpec spec, Request request, Parser<Q> parser, Affinity<Q> affinity,
      Handler<Q> handler, Map<String, CompletableFuture<ClaimResponse>> claims) {
    Q decoded;
    try {
      decoded = parser.parseFrom(request.getRawRequest());
    } catch (InvalidProtocolBufferException e) {
      respond(request, null, new PsrpcException(PsrpcCode.MALFORMED_REQUEST, e.getMessage()));
      return;
    }
    try {
      if (spec.requireClaim() && !claim(spec, request, decoded, affinity, claims)) {
        return;
      }
    } catch (RuntimeException e) {
      log.error("{}.{}: claim failed for {}", service, spec.method(), request.getRequestId(), e);
      return;
    }
    Message response = null;
    PsrpcException error = null;
    try {
      RequestContext ctx = new RequestContext(request.getRequestId(), request.getClientId(),
          Instant.ofEpochSecond(0, request.getExpiry()), request.getMetadataMap());
      response = handler.handle(decoded, ctx);
    } catch (PsrpcException e) {
      error = e;
    } catch (Exception e) {
      log.error("{}.{} failed", service, spec.method(), e);
      error = new PsrpcException(PsrpcCode.UNKNOWN, String.valueOf(e.getMessage()));
    }
    respond(request, response, error);
  }

  private <Q extends Message> boolean claim(MethodSpec spec, Request request, Q decoded, Affinity<Q> affinity,
      Map<String, CompletableFuture<ClaimResponse>> claims) {
    float score = affinity != null ? affinity.affinity(decoded) : 1f;
    if (score < 0) {
      return false;
    }
    CompletableFuture<ClaimResponse> answer = new CompletableFuture<>();
    claims.put(request.getRequestId(), answer);
    try {
      bus.publish(ChannelNames.claimRequest(service, request.getClientId()), Envelopes.wrap(ClaimRequest.newBuilder()
          .setRequestId(request.getRequestId()).setServerId(serverId).setAffinity(score).build()));
      long waitNanos = request.getExpiry() - nowNanos();
      ClaimResponse winner = answer.get(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS);
      return winner.getServerId().equals(serverId);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    } finally {
      claims.remove(request.getRequestId());
    }
  }

  private void respond(Request request, Message response, PsrpcException error) {
    Response.Builder res = Response.newBuilder()
        .setRequestId(request.getRequestId())
        .setServerId(serverId)
        .setSentAt(nowNanos());
    if (error != null) {
      res.setError(String.valueOf(error.getMessage())).setCode(error.code().wire());
    } else if (response != null) {
      res.setRawResponse(GoWireFormat.toByteString(response));
    }
    bus.publish(ChannelNames.response(service, request.getClientId()), Envelopes.wrap(res.build()));
  }

  static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public void close() {
    handlers.shutdown();
  }
}
