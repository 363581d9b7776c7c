package io.egressjava.core.media;

import io.egressjava.core.plan.MediaCodec;
import java.util.Map;

/**
 * A stream a source hands over encoded, as its publisher sent it (track egress): what the outputs
 * need to open for it, known only once the source has found its track.
 *
 * @param trackId the track's SID, the file's name when the request gives none
 * @param mimeType as the publisher announced it, for errors
 * @param width the picture size the publisher announced, 0 when it did not (the first key frame says)
 * @param names values for output-name placeholders only the source knows ({track_id}, {track_type}, …)
 */
public record EncodedStream(String trackId, MediaCodec codec, String mimeType, int width, int height,
    Map<String, String> names) {

  public EncodedStream {
    names = Map.copyOf(names);
  }
}
