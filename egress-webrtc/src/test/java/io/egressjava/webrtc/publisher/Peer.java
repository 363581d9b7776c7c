package io.egressjava.webrtc.publisher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import livekit.LivekitRtc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libwebrtc peer connection in a LiveKit role (publisher or subscriber): blocking wrappers for
 * libwebrtc's asynchronous offer/answer calls, trickle in LiveKit's JSON form both ways, and
 * server candidates held back until a remote description exists (libwebrtc rejects them before).
 * libwebrtc calls the observer on its own signalling thread; we only complete futures and hand
 * candidates to {@code trickleOut} there.
 */
final class Peer implements PeerConnectionObserver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Peer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LivekitRtc.SignalTarget target;
  private final Consumer<LivekitRtc.TrickleRequest> trickleOut;
  private final Duration timeout;
  private final RTCPeerConnection pc;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final List<RTCIceCandidate> pendingCandidates = new ArrayList<>();
  private boolean remoteSet;

  Peer(PeerConnectionFactory factory, LivekitRtc.SignalTarget target, Consumer<LivekitRtc.TrickleRequest> trickleOut,
      Duration timeout) {
    this.target = target;
    this.trickleOut = trickleOut;
    this.timeout = timeout;
    RTCConfiguration config = new RTCConfiguration();
    // no STUN/TURN: the JoinResponse's defaults are public servers, and tests run offline
    config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
    config.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
    this.pc = factory.createPeerConnection(config, this);
  }

  RTCPeerConnection connection() {
    return pc;
  }

  /** Completes when ICE and DTLS are up; fails if the connection fails. */
  CompletableFuture<Void> connected() {
    return connected;
  }

  /** Creates an offer, rewrites it with {@code munge} and applies it locally; returns what was applied. */
  String createOffer(UnaryOperator<String> munge) throws IOException {
    RTCSessionDescription created = create(this::createOffer, "create offer");
    RTCSessionDescription offer = new RTCSessionDescription(created.sdpType, munge.apply(created.sdp));
    apply(done -> pc.setLocalDescription(offer, done), "set local offer");
    return offer.sdp;
  }

  void applyAnswer(String sdp) throws IOException {
    apply(done -> pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), done), "set remote answer");
    flushCandidates();
  }

  /** Applies a remote offer and returns our answer (applied locally). */
  String answer(String offerSdp) throws IOException {
    apply(done -> pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp), done), "set remote offer");
    flushCandidates();
    RTCSessionDescription answer = create(created -> pc.createAnswer(new RTCAnswerOptions(), created), "create answer");
    apply(done -> pc.setLocalDescription(answer, done), "set local answer");
    return answer.sdp;
  }

  /** A candidate from the server ({@code TrickleRequest.candidateInit}, RTCIceCandidateInit JSON). */
  void addRemoteCandidate(String candidateInit) {
    RTCIceCandidate candidate;
    try {
      JsonNode init = JSON.readTree(candidateInit);
      String sdp = init.path("candidate").asText("");
      if (sdp.isEmpty()) {
        return; // end of candidates
      }
      candidate = new RTCIceCandidate(init.path("sdpMid").asText("0"), init.path("sdpMLineIndex").asInt(0), sdp);
    } catch (IOException e) {
      log.debug("ignored trickle {}: {}", candidateInit, e.getMessage());
      return;
    }
    synchronized (this) {
      if (!remoteSet) {
        pendingCandidates.add(candidate);
        return;
      }
    }
    pc.addIceCandidate(candidate);
  }

  private void flushCandidates() {
    List<RTCIceCandidate> queued;
    synchronized (this) {
      remoteSet = true;
      queued = List.copyOf(pendingCandidates);
      pendingCandidates.clear();
    }
    queued.forEach(pc::addIceCandidate);
  }

  private void createOffer(CreateSessionDescriptionObserver created) {
    pc.createOffer(new RTCOfferOptions(), created);
  }

  @Override
  public void onIceCandidate(RTCIceCandidate candidate) {
    ObjectNode init = JSON.createObjectNode()
        .put("candidate", candidate.sdp)
        .put("sdpMid", candidate.sdpMid)
        .put("sdpMLineIndex", candidate.sdpMLineIndex);
    trickleOut.accept(LivekitRtc.TrickleRequest.newBuilder().setTarget(target).setCandidateInit(init.toString()).build());
  }

  @Override
  public void onConnectionChange(RTCPeerConnectionState state) {
    log.debug("{} connection {}", target, state);
    if (state == RTCPeerConnectionState.CONNECTED) {
      connected.complete(null);
    } else if (state == RTCPeerConnectionState.FAILED) {
      connected.completeExceptionally(new IOException(target + " peer connection failed"));
    }
  }

  @Override
  public void close() {
    pc.close();
  }

  // --- libwebrtc's callback style turned into blocking calls -----------------------------------

  private interface CreateCall {
    void run(CreateSessionDescriptionObserver observer);
  }

  private interface SetCall {
    void run(SetSessionDescriptionObserver observer);
  }

  private RTCSessionDescription create(CreateCall call, String what) throws IOException {
    CompletableFuture<RTCSessionDescription> result = new CompletableFuture<>();
    call.run(new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription description) {
        result.complete(description);
      }

      @Override
      public void onFailure(String error) {
        result.completeExceptionally(new IOException(error));
      }
    });
    return get(result, what);
  }

  private void apply(SetCall call, String what) throws IOException {
    CompletableFuture<Void> result = new CompletableFuture<>();
    call.run(new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        result.complete(null);
      }

      @Override
      public void onFailure(String error) {
        result.completeExceptionally(new IOException(error));
      }
    });
    get(result, what);
  }

  private <T> T get(CompletableFuture<T> future, String what) throws IOException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(target + ": cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(target + ": " + what + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(target + ": interrupted during " + what, e);
    }
  }
}
