package io.egressjava.media.ffmpeg;

/** An FFmpeg call failed; the message names the call and FFmpeg's error text. */
public class MediaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MediaException(String message) {
    super(message);
  }
}
