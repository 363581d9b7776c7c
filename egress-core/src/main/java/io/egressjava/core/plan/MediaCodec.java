package io.egressjava.core.plan;

/** Codecs by the mime strings the reference uses in its messages. */
public enum MediaCodec {
  AAC("audio/aac", true),
  OPUS("audio/opus", true),
  MP3("audio/mpeg", true),
  RAW_AUDIO("audio/x-raw", true),
  PCMU("audio/pcmu", true),
  PCMA("audio/pcma", true),
  H264("video/h264", false),
  VP8("video/vp8", false),
  VP9("video/vp9", false),
  AV1("video/av1", false),
  JPEG("image/jpeg", false);

  private final String mime;
  private final boolean audio;

  MediaCodec(String mime, boolean audio) {
    this.mime = mime;
    this.audio = audio;
  }

  public String mime() {
    return mime;
  }

  public boolean isAudio() {
    return audio;
  }

  /** The codec of a track's mime type (case-insensitive), or null when unknown. */
  public static MediaCodec ofMime(String mime) {
    for (MediaCodec c : values()) {
      if (c.mime.equalsIgnoreCase(mime)) {
        return c;
      }
    }
    return null;
  }
}
