package io.egressjava.media.ffmpeg;

import io.egressjava.core.media.H264Parameters;

/** The SPS and PPS an MP4 track needs before its first H.264 frame. */
final class H264Extradata {
  private H264Extradata() {}

  /** From a key frame (Annex B); a MediaException when it carries none. */
  static byte[] of(byte[] keyFrame) {
    byte[] sets = H264Parameters.parameterSetsOrNull(keyFrame);
    if (sets == null) {
      throw new MediaException("H.264 key frame without SPS/PPS: cannot start an MP4");
    }
    return sets;
  }
}
