package io.egressjava.core.plan;

import static io.egressjava.core.plan.MediaCodec.AAC;
import static io.egressjava.core.plan.MediaCodec.H264;
import static io.egressjava.core.plan.MediaCodec.MP3;
import static io.egressjava.core.plan.MediaCodec.OPUS;
import static io.egressjava.core.plan.MediaCodec.RAW_AUDIO;
import static io.egressjava.core.plan.MediaCodec.VP8;
import static io.egressjava.core.plan.MediaCodec.VP9;

import java.util.EnumSet;
import java.util.Set;

/**
 * Output containers and protocols, with the codecs each accepts and its default codecs (the
 * reference's compatibility table, protocol.md §4.9).
 */
public enum OutputType {
  RAW("audio/x-raw", ".raw", EnumSet.of(RAW_AUDIO), RAW_AUDIO, null),
  OGG("audio/ogg", ".ogg", EnumSet.of(OPUS), OPUS, null),
  MP3_FILE("audio/mpeg", ".mp3", EnumSet.of(MP3, OPUS, AAC, RAW_AUDIO), MP3, null),
  IVF("video/x-ivf", ".ivf", EnumSet.of(VP8, VP9), null, VP8),
  MP4("video/mp4", ".mp4", EnumSet.of(AAC, OPUS, H264), AAC, H264),
  TS("video/mp2t", ".ts", EnumSet.of(AAC, OPUS, H264), AAC, H264),
  WEBM("video/webm", ".webm", EnumSet.of(OPUS, VP8, VP9), OPUS, VP8),
  JPEG("image/jpeg", ".jpeg", EnumSet.noneOf(MediaCodec.class), null, null),
  RTMP("rtmp", "", EnumSet.of(AAC, H264), AAC, H264),
  SRT("srt", "", EnumSet.of(AAC, H264), AAC, H264),
  HLS("application/x-mpegurl", ".m3u8", EnumSet.of(AAC, H264), AAC, H264),
  /** A file whose container is chosen later (from codecs, or from the track for passthrough). */
  UNKNOWN_FILE("", "", EnumSet.of(AAC, OPUS, MP3, H264, VP8, VP9), null, null);

  private final String mime;
  private final String extension;
  private final Set<MediaCodec> compatible;
  private final MediaCodec defaultAudio;
  private final MediaCodec defaultVideo;

  OutputType(String mime, String extension, Set<MediaCodec> compatible, MediaCodec defaultAudio, MediaCodec defaultVideo) {
    this.mime = mime;
    this.extension = extension;
    this.compatible = compatible;
    this.defaultAudio = defaultAudio;
    this.defaultVideo = defaultVideo;
  }

  public String mime() {
    return mime;
  }

  public String extension() {
    return extension;
  }

  public boolean accepts(MediaCodec codec) {
    return compatible.contains(codec);
  }

  Set<MediaCodec> compatible() {
    return compatible;
  }

  public MediaCodec defaultAudio() {
    return defaultAudio;
  }

  public MediaCodec defaultVideo() {
    return defaultVideo;
  }

  /** Track egress: the container for a track's codec (Opus/PCMU/PCMA → OGG, H.264 → MP4, VP8/VP9 → WebM). */
  public static OutputType forTrackCodec(MediaCodec codec) {
    return switch (codec) {
      case OPUS, PCMU, PCMA -> OGG;
      case H264 -> MP4;
      case VP8, VP9, AV1 -> WEBM; // AV1: beyond the reference, which has no AV1 track egress
      default -> null;
    };
  }
}
