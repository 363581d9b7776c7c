package io.egressjava.core.plan;

import io.egressjava.api.compat.ProtocolCompat;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.ServiceSettings.SessionLimits;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.EgressPlan.Audio;
import io.egressjava.core.plan.EgressPlan.Naming;
import io.egressjava.core.plan.EgressPlan.Source;
import io.egressjava.core.plan.EgressPlan.Video;
import io.egressjava.core.plan.PlannedOutputs.FileOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageSuffix;
import io.egressjava.core.plan.PlannedOutputs.SegmentOutput;
import io.egressjava.core.plan.PlannedOutputs.StreamOutput;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import livekit.LivekitEgress;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressSourceType;
import livekit.LivekitModels;

/**
 * Turns a StartEgress request into an {@link EgressPlan}, validating it with the reference's checks,
 * in the reference's order, with its error codes and messages (livekit/egress pkg/config). Nothing
 * here touches the network, the disk or native code.
 */
public final class EgressPlanner {
  private static final double STREAM_KEY_FRAME_INTERVAL = 4.0;
  private static final int DEFAULT_SEGMENT_DURATION = 4;
  private static final Duration DEFAULT_CAPTURE_INTERVAL = Duration.ofSeconds(10);
  /** Deterministic order for the codec fallback (the reference's choice there is random). */
  private static final List<MediaCodec> ALL_AUDIO = List.of(MediaCodec.AAC, MediaCodec.OPUS, MediaCodec.MP3, MediaCodec.RAW_AUDIO);

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
    return new Draft(request).build();
  }

  /** Mutable state while one request is planned. */
  private final class Draft {
    final StartEgressRequest request;
    final Instant instant = clock.instant();
    final ZonedDateTime now = ZonedDateTime.ofInstant(instant, clock.getZone());
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

    Draft(StartEgressRequest request) {
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
        webUrl = TemplateUrl.compose(baseUrl, layout, token, wsUrl,
            roomAudioToken.isEmpty() ? Map.of() : Map.of("audio", "0"));
      }
      if (!passthrough) {
        chooseCodecs();
      }
      fillImageSizes();
      fillResults();

      boolean manifest = !allManifestsDisabled || config.backup() != null;
      return new EgressPlan(request.getEgressId(), request.getRoomId(), roomName, type, sourceType, retry(), token, wsUrl,
          new Source(webUrl, layout, awaitStartSignal, trackId, audioTrackId, videoTrackId, identity, screenShare,
              captureAllAudio, routes, mixing, roomAudioToken),
          passthrough,
          new Audio(audioEnabled, audioTranscode, audioEnabled && !passthrough ? audioCodec : null),
          new Video(videoEnabled, videoDecode, videoEnabled && !passthrough ? videoCodec : null),
          encoding, file, segments, stream, List.copyOf(images), sessionLimit(), manifest,
          new Naming(identifier(), placeholders()), info.build());
    }

    // ---- request types ------------------------------------------------------------------------

    void roomComposite(LivekitEgress.RoomCompositeEgressRequest r) {
      type = RequestType.ROOM_COMPOSITE;
      info.setRoomComposite(RequestRedaction.redact(r));
      webSource = !(r.getAudioOnly() && r.getLayout().isEmpty() && r.getCustomBaseUrl().isEmpty());
      mixing = r.getAudioMixing();
      awaitStartSignal = true;
      roomName = r.getRoomName();
      layout = r.getLayout();
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
          webSource = !(t.getAudioOnly() && t.getLayout().isEmpty() && t.getCustomBaseUrl().isEmpty());
          awaitStartSignal = true;
          layout = t.getLayout();
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

    // ---- shared pieces ------------------------------------------------------------------------

    void mediaFlags(boolean audioOnly, boolean videoOnly) {
      if (!videoOnly) {
        audioEnabled = audioTranscode = true;
      }
      if (!audioOnly) {
        videoEnabled = videoDecode = true;
      }
      if (!audioEnabled && !videoEnabled) {
        throw EgressErrors.invalidInput("audio_only and video_only");
      }
    }

    void templateBase(String custom) {
      baseUrl = custom.isEmpty() ? config.templateBase() : custom;
      customTemplate = !custom.isEmpty() || !config.builtInTemplates();
      if (!isHttpUrl(baseUrl)) {
        throw EgressErrors.invalidInput("template base url");
      }
      if (!custom.isEmpty()) {
        allowlist.check("custom_base_url", custom);
      }
    }

    void webUrl(String url) {
      if (!isHttpUrl(url)) {
        throw EgressErrors.invalidInput("web url");
      }
      allowlist.check("url", url);
      webUrl = url;
    }

    /** preset = -1 when absent. */
    void options(int preset, LivekitEgress.EncodingOptions advanced) {
      if (advanced != null) {
        Encoding.Advanced a = Encoding.advanced(advanced);
        encoding = a.encoding();
        audioCodec = a.audioCodec();
        videoCodec = a.videoCodec();
      } else if (preset >= 0) {
        if (preset == Encoding.PRESET_PASSTHROUGH) {
          passthrough = true;
        }
        encoding = Encoding.preset(preset);
      }
    }

    /**
     * The four encoded v1 requests share their option and output fields by name: preset/advanced,
     * the output lists, and (except participant) the deprecated single outputs used when a list is empty.
     */
    void v1OptionsAndOutputs(Message r) {
      Descriptors.Descriptor d = r.getDescriptorForType();
      FieldDescriptor preset = d.findFieldByName("preset");
      FieldDescriptor advanced = d.findFieldByName("advanced");
      options(r.hasField(preset) ? ((Descriptors.EnumValueDescriptor) r.getField(preset)).getNumber() : -1,
          r.hasField(advanced) ? (LivekitEgress.EncodingOptions) r.getField(advanced) : null);
      encodedOutputs(outputs(r, "file_outputs", "file"), outputs(r, "stream_outputs", "stream"),
          outputs(r, "segment_outputs", "segments"), outputs(r, "image_outputs", null));
    }

    @SuppressWarnings("unchecked")
    <T> List<T> outputs(Message r, String listField, String deprecatedField) {
      Descriptors.Descriptor d = r.getDescriptorForType();
      List<T> list = (List<T>) r.getField(d.findFieldByName(listField));
      FieldDescriptor single = deprecatedField == null ? null : d.findFieldByName(deprecatedField);
      return list.isEmpty() && single != null && r.hasField(single) ? List.of((T) r.getField(single)) : list;
    }

    void encodedOutputs(List<LivekitEgress.EncodedFileOutput> files, List<LivekitEgress.StreamOutput> streams,
        List<LivekitEgress.SegmentedFileOutput> segs, List<LivekitEgress.ImageOutput> imgs) {
      if (files.size() > 1) {
        throw EgressErrors.invalidInput("multiple file outputs");
      }
      if (files.size() == 1) {
        LivekitEgress.EncodedFileOutput f = files.get(0);
        StorageConfig where = storage.resolveUpload(f);
        file = fileOutput(fileType(f.getFileTypeValue()), f.getFilepath(), f.getDisableManifest(), where);
      }
      if (streams.size() > 1) {
        throw EgressErrors.invalidInput("multiple stream outputs");
      }
      if (streams.size() == 1) {
        LivekitEgress.StreamOutput s = streams.get(0);
        addStream(v1StreamType(s), s.getUrlsList());
        if (file == null && segs.isEmpty() && imgs.isEmpty() && s.getUrlsCount() == 0) {
          throw EgressErrors.invalidInput("stream url");
        }
      }
      if (segs.size() > 1) {
        throw EgressErrors.invalidInput("multiple segmented file outputs");
      }
      if (segs.size() == 1) {
        LivekitEgress.SegmentedFileOutput s = segs.get(0);
        StorageConfig where = storage.resolveUpload(s);
        segments = segmentOutput(s, where);
      }
      keyFrameRule();
      for (LivekitEgress.ImageOutput img : imgs) {
        StorageConfig where = storage.resolveUpload(img);
        addImages(img, where);
      }
      if (outputCount() == 0) {
        throw EgressErrors.invalidInput("output");
      }
    }

    void v2Outputs(LivekitEgress.StartEgressRequest r) {
      if (r.getOutputsCount() == 0) {
        throw EgressErrors.invalidInput("output");
      }
      LivekitEgress.StorageConfig requestStorage = r.hasStorage() ? r.getStorage() : null;
      for (LivekitEgress.Output out : r.getOutputsList()) {
        LivekitEgress.StorageConfig outputStorage = out.hasStorage() ? out.getStorage() : null;
        switch (out.getConfigCase()) {
          case FILE -> {
            if (file != null) {
              throw EgressErrors.invalidInput("multiple file outputs");
            }
            LivekitEgress.FileOutput f = out.getFile();
            file = fileOutput(passthrough ? OutputType.UNKNOWN_FILE : fileType(f.getFileTypeValue()), f.getFilepath(),
                f.getDisableManifest(), storage.resolve(outputStorage, requestStorage));
          }
          case STREAM -> {
            if (stream != null) {
              throw EgressErrors.invalidInput("multiple stream outputs");
            }
            LivekitEgress.StreamOutput s = out.getStream();
            OutputType t = v2StreamType(s);
            if (t == OutputType.RAW && audioEnabled && videoEnabled) {
              videoEnabled = videoDecode = false; // websocket carries audio only
            }
            addStream(t, s.getUrlsList());
          }
          case SEGMENTS -> {
            if (segments != null) {
              throw EgressErrors.invalidInput("multiple segmented file outputs");
            }
            segments = segmentOutput(out.getSegments(), storage.resolve(outputStorage, requestStorage));
          }
          case IMAGES -> addImages(out.getImages(), storage.resolve(outputStorage, requestStorage));
          default -> throw EgressErrors.invalidInput("output config");
        }
      }
      keyFrameRule();
    }

    int outputCount() {
      return (file != null ? 1 : 0) + (segments != null ? 1 : 0) + streamUrlCount + images.size();
    }

    OutputType fileType(int fileTypeValue) {
      return switch (fileTypeValue) {
        case 1 -> OutputType.MP4;
        case 2 -> OutputType.OGG;
        case 3 -> OutputType.MP3_FILE;
        default -> OutputType.UNKNOWN_FILE;
      };
    }

    FileOutput fileOutput(OutputType t, String filepath, boolean disableManifest, StorageConfig where) {
      String cleaned = StoragePaths.clean(filepath);
      if (retry() > 0 && !cleaned.isEmpty() && !cleaned.endsWith("/") && !cleaned.contains(Placeholders.RETRY)) {
        throw EgressErrors.nonRetryableOutput();
      }
      allManifestsDisabled &= disableManifest;
      String path = t == OutputType.UNKNOWN_FILE ? null
          : OutputNames.filePath(cleaned, identifier(), placeholders(), t.extension(), retry(), now);
      return new FileOutput(t, cleaned, path, disableManifest, where);
    }

    SegmentOutput segmentOutput(LivekitEgress.SegmentedFileOutput s, StorageConfig where) {
      String prefix = StoragePaths.clean(s.getFilenamePrefix());
      String playlist = StoragePaths.clean(s.getPlaylistName());
      if (retry() > 0) {
        if (!prefix.isEmpty() && !prefix.contains(Placeholders.RETRY)) {
          throw EgressErrors.nonRetryableOutput();
        }
        if (prefix.isEmpty() && !playlist.isEmpty() && !playlist.contains(Placeholders.RETRY)) {
          throw EgressErrors.nonRetryableOutput();
        }
      }
      OutputNames.SegmentNames names;
      try {
        names = OutputNames.segments(prefix, playlist, s.getLivePlaylistName(), identifier(), placeholders(), retry(), now);
      } catch (OutputNames.NameConflict e) {
        throw EgressErrors.invalidInput(e.getMessage());
      }
      allManifestsDisabled &= s.getDisableManifest();
      int duration = s.getSegmentDuration() == 0 ? DEFAULT_SEGMENT_DURATION : s.getSegmentDuration();
      boolean timestamp = s.getFilenameSuffixValue() == LivekitEgress.SegmentedFileSuffix.TIMESTAMP_VALUE;
      return new SegmentOutput(names, duration, timestamp, s.getDisableManifest(), where);
    }

    OutputType v1StreamType(LivekitEgress.StreamOutput s) {
      switch (s.getProtocolValue()) {
        case LivekitEgress.StreamProtocol.RTMP_VALUE:
          return OutputType.RTMP;
        case LivekitEgress.StreamProtocol.SRT_VALUE:
          return OutputType.SRT;
        case LivekitEgress.StreamProtocol.DEFAULT_PROTOCOL_VALUE:
          if (s.getUrlsCount() == 0) {
            throw EgressErrors.invalidInput("stream protocol");
          }
          String url = s.getUrls(0);
          OutputType t = StreamUrls.typeOfScheme(StreamUrls.scheme(url));
          if (t == null) {
            throw EgressErrors.invalidUrl(url, "invalid protocol");
          }
          return t;
        default:
          // WEBSOCKET (v2 only) and unknown protocols
          for (String u : s.getUrlsList()) {
            if (StreamUrls.typeOfScheme(StreamUrls.scheme(u)) != null) {
              throw EgressErrors.invalidUrl(u, "invalid scheme");
            }
          }
          throw EgressErrors.invalidInput("stream output type");
      }
    }

    OutputType v2StreamType(LivekitEgress.StreamOutput s) {
      if (s.getProtocolValue() == 3) { // WEBSOCKET
        return OutputType.RAW;
      }
      return v1StreamType(s);
    }

    void addStream(OutputType t, List<String> urls) {
      Set<String> seen = new LinkedHashSet<>();
      List<StreamUrls.StreamTarget> targets = new ArrayList<>();
      for (String u : urls) {
        StreamUrls.StreamTarget target = StreamUrls.validate(u, t);
        if (seen.add(target.url())) {
          targets.add(target);
        }
      }
      stream = new StreamOutput(t, List.copyOf(targets));
      streamUrlCount = urls.size();
      // streams dictate their codecs (the reference overrides requested ones)
      if (t == OutputType.RTMP || t == OutputType.SRT) {
        audioCodec = MediaCodec.AAC;
        videoCodec = MediaCodec.H264;
      } else if (t == OutputType.RAW) {
        audioCodec = MediaCodec.RAW_AUDIO;
      }
    }

    void addImages(LivekitEgress.ImageOutput img, StorageConfig where) {
      if (!videoEnabled) {
        throw EgressErrors.invalidInput("audio_only images");
      }
      if (img.getImageCodecValue() != LivekitModels.ImageCodec.IC_DEFAULT_VALUE
          && img.getImageCodecValue() != LivekitModels.ImageCodec.IC_JPEG_VALUE) {
        throw EgressErrors.noCompatibleCodec();
      }
      ImageSuffix suffix = switch (img.getFilenameSuffixValue()) {
        case 0 -> ImageSuffix.INDEX;
        case 1 -> ImageSuffix.TIMESTAMP;
        case 2 -> ImageSuffix.NONE_OVERWRITE;
        default -> throw EgressErrors.invalidInput("filename_suffix");
      };
      if (outputCount() == 0) {
        audioEnabled = audioTranscode = false; // images only: video is all that is recorded
        audioTrackId = "";
      }
      String prefix = StoragePaths.clean(img.getFilenamePrefix());
      OutputNames.ImageNames names = OutputNames.images(prefix, identifier(), placeholders(), retry(), now);
      Duration interval = img.getCaptureInterval() == 0 ? DEFAULT_CAPTURE_INTERVAL : Duration.ofSeconds(img.getCaptureInterval());
      allManifestsDisabled &= img.getDisableManifest();
      images.add(new ImageOutput(names, OutputNames.substitute(prefix, placeholders()), interval, img.getWidth(),
          img.getHeight(), suffix, img.getDisableManifest(), where));
    }

    /** Segments drive key frames themselves; streams default to a 4 s interval (§3.4). */
    void keyFrameRule() {
      if (segments != null) {
        if (stream != null && encoding.keyFrameInterval() > 0) {
          segments = segments.withSegmentDuration(Math.min((int) encoding.keyFrameInterval(), segments.segmentDurationSeconds()));
        }
        encoding = encoding.withKeyFrameInterval(0);
      } else if (stream != null && encoding.keyFrameInterval() == 0) {
        encoding = encoding.withKeyFrameInterval(STREAM_KEY_FRAME_INTERVAL);
      }
    }

    /** The encoded outputs in the reference's order: file, segments, stream. */
    List<OutputType> encodedOutputTypes() {
      List<OutputType> types = new ArrayList<>();
      if (file != null) {
        types.add(file.type());
      }
      if (segments != null) {
        types.add(OutputType.HLS);
      }
      if (stream != null) {
        types.add(stream.type());
      }
      return types;
    }

    void chooseCodecs() {
      List<OutputType> outputs = encodedOutputTypes();
      List<MediaCodec> audioSet = new ArrayList<>();
      if (audioEnabled) {
        audioSet.addAll(audioCodec != null ? List.of(audioCodec) : ALL_AUDIO);
        for (OutputType t : outputs) {
          audioSet.removeIf(c -> !t.accepts(c));
          if (audioSet.isEmpty()) {
            throw audioCodec == null ? EgressErrors.noCompatibleCodec() : EgressErrors.incompatible(t.mime(), audioCodec.mime());
          }
        }
      }
      List<MediaCodec> videoSet = new ArrayList<>();
      if (videoEnabled) {
        videoSet.add(videoCodec != null ? videoCodec : MediaCodec.H264);
        for (OutputType t : outputs) {
          videoSet.removeIf(c -> !t.accepts(c));
          if (videoSet.isEmpty()) {
            throw videoCodec == null ? EgressErrors.noCompatibleCodec() : EgressErrors.incompatible(t.mime(), videoCodec.mime());
          }
        }
      }
      if (file != null && file.type() == OutputType.UNKNOWN_FILE) {
        List<OutputType> candidates = videoEnabled ? List.of(OutputType.MP4) : List.of(OutputType.OGG, OutputType.MP4, OutputType.MP3_FILE);
        OutputType chosen = null;
        for (OutputType c : candidates) {
          boolean audioOk = !audioEnabled || audioSet.stream().anyMatch(c::accepts);
          boolean videoOk = !videoEnabled || videoSet.stream().anyMatch(c::accepts);
          if (audioOk && videoOk) {
            chosen = c;
            break;
          }
        }
        if (chosen == null) {
          throw EgressErrors.noCompatibleFileOutputType();
        }
        file = file.withType(chosen, OutputNames.filePath(file.template(), identifier(), placeholders(), chosen.extension(), retry(), now));
        outputs = encodedOutputTypes();
      }
      if (audioEnabled) {
        audioCodec = pick(outputs, audioSet, true);
      }
      if (videoEnabled) {
        videoCodec = pick(outputs, videoSet, false);
      }
    }

    MediaCodec pick(List<OutputType> outputs, List<MediaCodec> allowed, boolean audio) {
      for (OutputType t : outputs) {
        MediaCodec d = audio ? t.defaultAudio() : t.defaultVideo();
        if (d != null && allowed.contains(d)) {
          return d;
        }
      }
      return allowed.get(0);
    }

    void fillImageSizes() {
      if (!webSource) {
        return; // SDK sources use the track's size, known once subscribed
      }
      for (int i = 0; i < images.size(); i++) {
        ImageOutput img = images.get(i);
        images.set(i, new ImageOutput(img.names(), img.filenamePrefix(), img.captureInterval(),
            img.width() > 0 ? img.width() : encoding.width(), img.height() > 0 ? img.height() : encoding.height(),
            img.suffix(), img.disableManifest(), img.storage()));
      }
    }

    Duration sessionLimit() {
      SessionLimits limits = config.sessionLimits();
      List<Duration> applicable = new ArrayList<>();
      if (file != null) {
        applicable.add(limits.fileOutputMaxDuration());
      }
      if (stream != null) {
        applicable.add(limits.streamOutputMaxDuration());
      }
      if (segments != null) {
        applicable.add(limits.segmentOutputMaxDuration());
      }
      if (!images.isEmpty()) {
        applicable.add(limits.imageOutputMaxDuration());
      }
      return applicable.stream().filter(d -> d.compareTo(Duration.ZERO) > 0).min(Duration::compareTo).orElse(Duration.ZERO);
    }

    void fillResults() {
      long nanos = info.getStartedAt();
      int kinds = 0;
      if (file != null) {
        kinds++;
        info.addFileResults(LivekitEgress.FileInfo.newBuilder().setFilename(file.storagePath() == null ? "" : file.storagePath()));
      }
      if (stream != null) {
        kinds++;
        for (StreamUrls.StreamTarget t : stream.targets()) {
          LivekitEgress.StreamInfo.Builder si = LivekitEgress.StreamInfo.newBuilder()
              .setUrl(t.redacted()).setStatus(LivekitEgress.StreamInfo.Status.ACTIVE);
          if (stream.type() != OutputType.RTMP) {
            si.setStartedAt(nanos);
          }
          info.addStreamResults(si);
        }
      }
      if (segments != null) {
        kinds++;
        info.addSegmentResults(LivekitEgress.SegmentsInfo.newBuilder()
            .setPlaylistName(segments.names().playlistPath())
            .setLivePlaylistName(segments.names().livePlaylistPath()));
      }
      for (ImageOutput img : images) {
        info.addImageResults(LivekitEgress.ImagesInfo.newBuilder().setFilenamePrefix(img.filenamePrefix()));
      }
      if (!images.isEmpty()) {
        kinds++;
      }
      if (kinds == 1) { // the deprecated single-result fields
        if (file != null) {
          info.setFile(info.getFileResults(0));
        } else if (stream != null) {
          info.setStream(LivekitEgress.StreamInfoList.newBuilder().addAllInfo(info.getStreamResultsList()));
        } else if (segments != null) {
          info.setSegments(info.getSegmentResults(0));
        }
      }
    }
  }

  static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return uri.getHost() != null && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme));
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
