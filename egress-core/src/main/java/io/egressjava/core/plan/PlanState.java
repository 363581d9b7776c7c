package io.egressjava.core.plan;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.plan.PlannedOutputs.FileOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageOutput;
import io.egressjava.core.plan.PlannedOutputs.SegmentOutput;
import io.egressjava.core.plan.PlannedOutputs.StreamOutput;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;

/**
 * What is known while one request is planned (mutable, one planning only): the request, its
 * time, and every choice made so far. The planning steps build on it in layers: outputs
 * ({@link PlanOutputs}), codecs and results ({@link PlanCodecs}), then the request types
 * ({@link PlanDraft}), which put it all into an {@link EgressPlan}.
 */
abstract class PlanState {
  final EgressConfig config;
  final StorageResolver storage;
  final UrlAllowlist allowlist;
  final StartEgressRequest request;
  final Instant instant;
  final ZonedDateTime now;
  final EgressInfo.Builder info = EgressInfo.newBuilder();

  String roomName;
  RequestType type;
  boolean webSource;
  boolean connectionInfoRequired = true;
  boolean passthrough;
  boolean audioEnabled;
  boolean audioTranscode;
  boolean videoEnabled;
  boolean videoDecode;
  MediaCodec audioCodec;
  MediaCodec videoCodec;
  Encoding encoding = Encoding.DEFAULT;
  String baseUrl = "";
  boolean customTemplate;
  String webUrl = "";
  String layout = "";
  boolean awaitStartSignal;
  String trackId = "";
  String audioTrackId = "";
  String videoTrackId = "";
  String identity = "";
  boolean screenShare;
  boolean captureAllAudio;
  List<LivekitEgress.AudioRoute> routes = List.of();
  LivekitEgress.AudioMixing mixing = LivekitEgress.AudioMixing.DEFAULT_MIXING;

  FileOutput file;
  SegmentOutput segments;
  StreamOutput stream;
  int streamUrlCount;
  final List<ImageOutput> images = new ArrayList<>();
  boolean allManifestsDisabled = true;

  PlanState(EgressConfig config, Clock clock, StorageResolver storage, UrlAllowlist allowlist, StartEgressRequest request) {
    this.config = config;
    this.storage = storage;
    this.allowlist = allowlist;
    this.instant = clock.instant();
    this.now = ZonedDateTime.ofInstant(instant, clock.getZone());
    this.request = request;
    this.roomName = request.getRoomName();
    long nanos = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    info.setEgressId(request.getEgressId())
        .setRoomId(request.getRoomId())
        .setStatus(LivekitEgress.EgressStatus.EGRESS_STARTING)
        .setStartedAt(nanos)
        .setUpdatedAt(nanos)
        .setRetryCount(request.getRetryCount());
  }

  int retry() {
    return request.getRetryCount();
  }

  Placeholders placeholders() {
    Placeholders p = Placeholders.forRequest(roomName, request.getRoomId(), retry(), now);
    // a participant egress knows its publisher from the request (the reference fills it in then too)
    return type == RequestType.PARTICIPANT ? p.with(Placeholders.PUBLISHER_IDENTITY, identity) : p;
  }

  /** What unnamed outputs are named after, as the reference does: the participant, the room, else "web". */
  String identifier() {
    if (type == RequestType.PARTICIPANT) {
      return identity;
    }
    return roomName.isEmpty() ? "web" : roomName;
  }

}
