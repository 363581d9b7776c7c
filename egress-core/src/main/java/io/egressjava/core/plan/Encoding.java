package io.egressjava.core.plan;

import io.egressjava.api.errors.EgressErrors;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitModels;

/**
 * Encoder settings after presets and advanced options (protocol.md §3.4). Bitrates in kbps, the
 * key-frame interval in seconds (0 = encoder default).
 */
public record Encoding(
    int width,
    int height,
    int depth,
    int framerate,
    int videoBitrate,
    double keyFrameInterval,
    String videoProfile,
    int audioBitrate,
    int audioFrequency) {

  /** PASSTHROUGH's enum number; the Kotlin SDK's protocol predates it. */
  public static final int PRESET_PASSTHROUGH = 8;

  /** What the reference applies when a request says nothing (equal to H264_720P_30). */
  public static final Encoding DEFAULT = new Encoding(1280, 720, 24, 30, 3000, 0, "main", 128, 44100);

  public Encoding withKeyFrameInterval(double kfi) {
    return new Encoding(width, height, depth, framerate, videoBitrate, kfi, videoProfile, audioBitrate, audioFrequency);
  }

  /** A preset (by enum number): size, framerate and video bitrate; audio keeps its defaults. */
  public static Encoding preset(int presetNumber) {
    return switch (presetNumber) {
      case 0 -> video(1280, 720, 30, 3000);
      case 1 -> video(1280, 720, 60, 4500);
      case 2 -> video(1920, 1080, 30, 4500);
      case 3 -> video(1920, 1080, 60, 6000);
      case 4 -> video(720, 1280, 30, 3000);
      case 5 -> video(720, 1280, 60, 4500);
      case 6 -> video(1080, 1920, 30, 4500);
      case 7 -> video(1080, 1920, 60, 6000);
      case PRESET_PASSTHROUGH -> DEFAULT;
      default -> throw EgressErrors.invalidInput("preset");
    };
  }

  private static Encoding video(int w, int h, int fps, int kbps) {
    return new Encoding(w, h, DEFAULT.depth, fps, kbps, 0, DEFAULT.videoProfile, DEFAULT.audioBitrate, DEFAULT.audioFrequency);
  }

  /** Result of advanced options: the settings plus the codecs they ask for (null = not chosen). */
  public record Advanced(Encoding encoding, MediaCodec audioCodec, MediaCodec videoCodec) {}

  /** Advanced options over the defaults; zero means "keep the default". */
  public static Advanced advanced(EncodingOptions o) {
    MediaCodec audio = switch (o.getAudioCodecValue()) {
      case LivekitModels.AudioCodec.OPUS_VALUE -> MediaCodec.OPUS;
      case LivekitModels.AudioCodec.AAC_VALUE -> MediaCodec.AAC;
      case LivekitModels.AudioCodec.AC_MP3_VALUE -> MediaCodec.MP3;
      default -> null;
    };
    String profile = DEFAULT.videoProfile;
    MediaCodec video = null;
    switch (o.getVideoCodecValue()) {
      case LivekitModels.VideoCodec.H264_BASELINE_VALUE -> {
        video = MediaCodec.H264;
        profile = "baseline";
      }
      case LivekitModels.VideoCodec.H264_MAIN_VALUE -> video = MediaCodec.H264;
      case LivekitModels.VideoCodec.H264_HIGH_VALUE -> {
        video = MediaCodec.H264;
        profile = "high";
      }
      default -> { } // DEFAULT_VC, and VP8 which is not an encoder option
    }
    int width = DEFAULT.width;
    if (o.getWidth() > 0) {
      if (o.getWidth() < 16 || o.getWidth() % 2 != 0) {
        throw EgressErrors.invalidInput("width");
      }
      width = o.getWidth();
    }
    int height = DEFAULT.height;
    if (o.getHeight() > 0) {
      if (o.getHeight() < 16 || o.getHeight() % 2 != 0) {
        throw EgressErrors.invalidInput("height");
      }
      height = o.getHeight();
    }
    int depth = switch (o.getDepth()) {
      case 0 -> DEFAULT.depth;
      case 8, 16, 24 -> o.getDepth();
      default -> throw EgressErrors.invalidInput("depth");
    };
    Encoding e = new Encoding(
        width,
        height,
        depth,
        o.getFramerate() != 0 ? o.getFramerate() : DEFAULT.framerate,
        o.getVideoBitrate() != 0 ? o.getVideoBitrate() : DEFAULT.videoBitrate,
        o.getKeyFrameInterval() != 0 ? o.getKeyFrameInterval() : 0,
        profile,
        o.getAudioBitrate() != 0 ? o.getAudioBitrate() : DEFAULT.audioBitrate,
        o.getAudioFrequency() != 0 ? o.getAudioFrequency() : DEFAULT.audioFrequency);
    return new Advanced(e, audio, video);
  }
}
