package io.egressjava.core.plan;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.PlannedOutputs.FileOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageOutput;
import io.egressjava.core.plan.PlannedOutputs.ImageSuffix;
import io.egressjava.core.plan.PlannedOutputs.SegmentOutput;
import io.egressjava.core.plan.PlannedOutputs.StreamOutput;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import livekit.LivekitEgress;
import livekit.LivekitModels;

/** Planning steps shared by the request types: media flags, template and page URLs, encoding options, and every output kind. */
abstract class PlanOutputs extends PlanState {
  private static final int DEFAULT_SEGMENT_DURATION = 4;
  private static final Duration DEFAULT_CAPTURE_INTERVAL = Duration.ofSeconds(10);

  PlanOutputs(EgressConfig config, Clock clock, StorageResolver storage, UrlAllowlist allowlist, StartEgressRequest request) {
    super(config, clock, storage, allowlist, request);
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

  /** Sets the key-frame interval the outputs need (see {@link PlanCodecs}). */
  abstract void keyFrameRule();

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
