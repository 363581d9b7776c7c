package io.egressjava.core.plan;

import io.egressjava.api.compat.ProtocolCompat;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.errors.EgressException;
import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.plan.EgressPlan.Audio;
import io.egressjava.core.plan.EgressPlan.Naming;
import io.egressjava.core.plan.EgressPlan.Source;
import io.egressjava.core.plan.EgressPlan.Video;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressSourceType;

/** One request planned: its type's own rules, then the shared steps, into an {@link EgressPlan}. */
final class PlanDraft extends PlanCodecs {
  PlanDraft(EgressConfig config, Clock clock, StorageResolver storage, UrlAllowlist allowlist, StartEgressRequest request) {
    super(config, clock, storage, allowlist, request);
  }

  EgressPlan build() {
    switch (request.getRequestCase()) {
      case ROOM_COMPOSITE -> roomComposite(request.getRoomComposite());
      case WEB -> web(request.getWeb());
      case PARTICIPANT -> participant(request.getParticipant());
      case TRACK_COMPOSITE -> trackComposite(request.getTrackComposite());
      case TRACK -> track(request.getTrack());
      case EGRESS -> v2(request.getEgress());
      case REPLAY -> throw EgressErrors.notSupported("replay export");
      default -> throw EgressErrors.invalidInput("request");
    }
    if (passthrough && type != RequestType.TRACK && type != RequestType.MEDIA) {
      throw EgressErrors.invalidInput("preset");
    }
    info.setRoomName(roomName);
    EgressSourceType sourceType = webSource ? EgressSourceType.EGRESS_SOURCE_TYPE_WEB : EgressSourceType.EGRESS_SOURCE_TYPE_SDK;
    info.setSourceType(sourceType);

    String token = "";
    String wsUrl = "";
    if (connectionInfoRequired) {
      token = request.getToken();
      if (token.isEmpty()) {
        if (config.apiKey().isEmpty() || config.apiSecret().isEmpty() || roomName.isEmpty()) {
          throw EgressErrors.invalidInput("token or api key/secret");
        }
        token = EgressToken.mint(config.apiKey(), config.apiSecret(), request.getEgressId(), roomName, instant);
      }
      wsUrl = request.getWsUrl().isEmpty() ? config.wsUrl() : request.getWsUrl();
      if (wsUrl.isEmpty()) {
        throw EgressErrors.invalidInput("ws_url");
      }
    }
    String roomAudioToken = "";
    if (webSource && (type == RequestType.ROOM_COMPOSITE || type == RequestType.TEMPLATE)) {
      // the built-in templates leave the sound to the egress, which mixes it from the room's
      // tracks as its own (hidden) participant: Chrome's playout stretches and shifts sound
      if (audioEnabled && !customTemplate && config.mixRoomCompositeAudio() && !config.apiKey().isEmpty()
          && !config.apiSecret().isEmpty()) {
        roomAudioToken = EgressToken.mint(config.apiKey(), config.apiSecret(), request.getEgressId() + "_audio",
            roomName, instant);
      }
      webUrl = TemplateUrl.compose(baseUrl, layoutName(), token, wsUrl,
          roomAudioToken.isEmpty() ? Map.of() : Map.of("audio", "0"));
      boolean nativeRenderer = config.nativeRoomComposite() && !customTemplate && (!audioEnabled || !roomAudioToken.isEmpty());
      if (videoEnabled && !nativeRenderer && LayoutControl.fromLayout(layout).regions() != null) {
        throw new EgressException(PsrpcCode.INVALID_ARGUMENT, "request has missing or invalid field: layout (regions are drawn "
            + "by the native renderer only: room_composite_renderer: native, the built-in templates)");
      }
    }
    if (!passthrough) {
      chooseCodecs();
    }
    fillImageSizes();
    fillResults();

    boolean manifest = !allManifestsDisabled || config.backup() != null;
    return new EgressPlan(request.getEgressId(), request.getRoomId(), roomName, type, sourceType, retry(), token, wsUrl,
        new Source(webUrl, layout, awaitStartSignal, trackId, audioTrackId, videoTrackId, identity, screenShare,
            captureAllAudio, routes, mixing, roomAudioToken,
            webSource && (type == RequestType.ROOM_COMPOSITE || type == RequestType.TEMPLATE) && !customTemplate),
        passthrough,
        new Audio(audioEnabled, audioTranscode, audioEnabled && !passthrough ? audioCodec : null),
        new Video(videoEnabled, videoDecode, videoEnabled && !passthrough ? videoCodec : null),
        encoding, file, segments, stream, List.copyOf(images), sessionLimit(), manifest,
        new Naming(identifier(), placeholders()), info.build());
  }

  /**
   * The page's layout name. A JSON layout (docs/consent.md) also says how the egress starts: paused,
   * or with participants left out; the runner applies it before any media (Source.layout keeps it).
   */
  private String layoutName() {
    try {
      return LayoutControl.fromLayout(layout).layout();
    } catch (IllegalArgumentException e) {
      throw new EgressException(PsrpcCode.INVALID_ARGUMENT, "request has missing or invalid field: layout (" + e.getMessage() + ")");
    }
  }

  // ---- request types ------------------------------------------------------------------------

  void roomComposite(LivekitEgress.RoomCompositeEgressRequest r) {
    type = RequestType.ROOM_COMPOSITE;
    info.setRoomComposite(RequestRedaction.redact(r));
    layout = r.getLayout();
    webSource = !(r.getAudioOnly() && layoutName().isEmpty() && r.getCustomBaseUrl().isEmpty());
    mixing = r.getAudioMixing();
    awaitStartSignal = true;
    roomName = r.getRoomName();
    templateBase(r.getCustomBaseUrl());
    mediaFlags(r.getAudioOnly(), r.getVideoOnly());
    v1OptionsAndOutputs(r);
  }

  void web(LivekitEgress.WebEgressRequest r) {
    type = RequestType.WEB;
    info.setWeb(RequestRedaction.redact(r));
    webSource = true;
    connectionInfoRequired = false;
    awaitStartSignal = r.getAwaitStartSignal();
    webUrl(r.getUrl());
    mediaFlags(r.getAudioOnly(), r.getVideoOnly());
    v1OptionsAndOutputs(r);
  }

  void participant(LivekitEgress.ParticipantEgressRequest r) {
    type = RequestType.PARTICIPANT;
    info.setParticipant(RequestRedaction.redact(r));
    roomName = r.getRoomName();
    audioEnabled = audioTranscode = true;
    videoEnabled = videoDecode = true;
    screenShare = r.getScreenShare();
    if (r.getIdentity().isEmpty()) {
      throw EgressErrors.invalidInput("identity");
    }
    identity = r.getIdentity();
    v1OptionsAndOutputs(r);
  }

  void trackComposite(LivekitEgress.TrackCompositeEgressRequest r) {
    type = RequestType.TRACK_COMPOSITE;
    info.setTrackComposite(RequestRedaction.redact(r));
    roomName = r.getRoomName();
    if (!r.getAudioTrackId().isEmpty()) {
      audioTrackId = r.getAudioTrackId();
      audioEnabled = audioTranscode = true;
    }
    if (!r.getVideoTrackId().isEmpty()) {
      videoTrackId = r.getVideoTrackId();
      videoEnabled = videoDecode = true;
    }
    if (!audioEnabled && !videoEnabled) {
      throw EgressErrors.invalidInput("audio_track_id or video_track_id");
    }
    v1OptionsAndOutputs(r);
  }

  void track(LivekitEgress.TrackEgressRequest r) {
    type = RequestType.TRACK;
    info.setTrack(RequestRedaction.redact(r));
    roomName = r.getRoomName();
    passthrough = true;
    if (r.getTrackId().isEmpty()) {
      throw EgressErrors.invalidInput("track_id");
    }
    trackId = r.getTrackId();
    switch (r.getOutputCase()) {
      case FILE -> {
        LivekitEgress.DirectFileOutput f = r.getFile();
        StorageConfig where = storage.resolveUpload(f);
        file = fileOutput(OutputType.UNKNOWN_FILE, f.getFilepath(), f.getDisableManifest(), where);
      }
      case WEBSOCKET_URL -> addStream(OutputType.RAW, List.of(r.getWebsocketUrl()));
      default -> throw EgressErrors.invalidInput("output");
    }
  }

  void v2(LivekitEgress.StartEgressRequest r) {
    if (!r.getRoomName().isEmpty()) {
      roomName = r.getRoomName();
    }
    ProtocolCompat.setV2Request(info, RequestRedaction.redact(r));
    options(r.hasPreset() ? r.getPresetValue() : -1, r.hasAdvanced() ? r.getAdvanced() : null);
    if (passthrough) {
      validatePassthrough(r);
    }
    switch (r.getSourceCase()) {
      case TEMPLATE -> {
        LivekitEgress.TemplateSource t = r.getTemplate();
        type = RequestType.TEMPLATE;
        layout = t.getLayout();
        webSource = !(t.getAudioOnly() && layoutName().isEmpty() && t.getCustomBaseUrl().isEmpty());
        awaitStartSignal = true;
        templateBase(t.getCustomBaseUrl());
        mediaFlags(t.getAudioOnly(), t.getVideoOnly());
      }
      case WEB -> {
        LivekitEgress.WebSource w = r.getWeb();
        type = RequestType.WEB;
        webSource = true;
        connectionInfoRequired = false;
        awaitStartSignal = w.getAwaitStartSignal();
        webUrl(w.getUrl());
        mediaFlags(w.getAudioOnly(), w.getVideoOnly());
      }
      case MEDIA -> media(r.getMedia());
      default -> throw EgressErrors.invalidInput("source");
    }
    v2Outputs(r);
  }

  void media(LivekitEgress.MediaSource m) {
    type = RequestType.MEDIA;
    switch (m.getVideoCase()) {
      case VIDEO_TRACK_ID -> {
        videoEnabled = true;
        videoDecode = !passthrough;
        videoTrackId = m.getVideoTrackId();
        if (passthrough) {
          trackId = m.getVideoTrackId();
        }
      }
      case PARTICIPANT_VIDEO -> {
        videoEnabled = videoDecode = true;
        identity = m.getParticipantVideo().getIdentity();
        screenShare = m.getParticipantVideo().getPreferScreenShare();
      }
      default -> { }
    }
    if (m.hasAudio()) {
      List<LivekitEgress.AudioRoute> audioRoutes = ProtocolCompat.audioRoutes(m.getAudio());
      if (ProtocolCompat.audioCaptureAll(m.getAudio())) {
        audioEnabled = audioTranscode = true;
        captureAllAudio = true;
      } else if (!audioRoutes.isEmpty()) {
        audioEnabled = true;
        audioTranscode = !passthrough;
        routes = List.copyOf(audioRoutes);
        if (passthrough) {
          trackId = audioRoutes.get(0).getTrackId();
        }
      }
    }
    if (!audioEnabled && !videoEnabled) {
      throw EgressErrors.invalidInput("audio or video");
    }
  }

  void validatePassthrough(LivekitEgress.StartEgressRequest r) {
    if (!r.hasMedia()) {
      throw EgressErrors.invalidInput("passthrough source");
    }
    LivekitEgress.MediaSource m = r.getMedia();
    String video = "";
    if (m.getVideoCase() == LivekitEgress.MediaSource.VideoCase.VIDEO_TRACK_ID) {
      if (m.getVideoTrackId().isEmpty()) {
        throw EgressErrors.invalidInput("passthrough video_track_id");
      }
      video = m.getVideoTrackId();
    } else if (m.getVideoCase() == LivekitEgress.MediaSource.VideoCase.PARTICIPANT_VIDEO) {
      throw EgressErrors.invalidInput("passthrough participant_video");
    }
    String audio = "";
    if (m.hasAudio()) {
      if (ProtocolCompat.audioCaptureAll(m.getAudio())) {
        throw EgressErrors.invalidInput("passthrough capture_all");
      }
      List<LivekitEgress.AudioRoute> audioRoutes = ProtocolCompat.audioRoutes(m.getAudio());
      if (audioRoutes.size() > 1) {
        throw EgressErrors.invalidInput("passthrough audio routes");
      }
      if (audioRoutes.size() == 1) {
        LivekitEgress.AudioRoute route = audioRoutes.get(0);
        if (route.getMatchCase() != LivekitEgress.AudioRoute.MatchCase.TRACK_ID) {
          throw EgressErrors.invalidInput("passthrough audio route match");
        }
        if (route.getTrackId().isEmpty()) {
          throw EgressErrors.invalidInput("passthrough audio route track_id");
        }
        audio = route.getTrackId();
      }
    }
    if (video.isEmpty() == audio.isEmpty()) {
      throw EgressErrors.invalidInput("passthrough track_id");
    }
    if (r.getOutputsCount() != 1) {
      throw EgressErrors.invalidInput("passthrough outputs");
    }
    LivekitEgress.Output out = r.getOutputs(0);
    if (!out.hasFile()) {
      throw EgressErrors.invalidInput("passthrough output");
    }
    if (out.getFile().getFileTypeValue() != LivekitEgress.EncodedFileType.DEFAULT_FILETYPE_VALUE) {
      throw EgressErrors.invalidInput("passthrough file_type");
    }
  }

}
