package io.egressjava.core.plan;

import io.egressjava.api.config.EgressConfig;
import io.egressjava.api.config.ServiceSettings.SessionLimits;
import io.egressjava.api.errors.EgressErrors;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.plan.PlannedOutputs.ImageOutput;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;

/** The one codec chooser (what the outputs can carry, what the request allows), image sizes, the session limit and the initial results. */
abstract class PlanCodecs extends PlanOutputs {
  private static final double STREAM_KEY_FRAME_INTERVAL = 4.0;
  /** Deterministic order for the codec fallback (the reference's choice there is random). */
  private static final List<MediaCodec> ALL_AUDIO = List.of(MediaCodec.AAC, MediaCodec.OPUS, MediaCodec.MP3, MediaCodec.RAW_AUDIO);

  PlanCodecs(EgressConfig config, Clock clock, StorageResolver storage, UrlAllowlist allowlist, StartEgressRequest request) {
    super(config, clock, storage, allowlist, request);
  }

  /** Segments drive key frames themselves; streams default to a 4 s interval (§3.4). */
  @Override
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
