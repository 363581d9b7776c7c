package io.egressjava.source.room.media;

import io.egressjava.core.media.Picture;
import io.egressjava.core.media.TrackFilter;
import java.util.Arrays;
import livekit.LivekitModels;

/** What a track left out of the recording ({@link TrackFilter}) becomes: black pictures, silence. */
final class LeftOut {
  /** Black, fitted to the output like any picture. */
  static final Picture BLACK = Picture.black(16, 16);

  private LeftOut() {}

  /** Whether the filter lets this picked track be recorded. */
  static boolean shown(TrackFilter filter, TrackSelection.Pick pick) {
    var source = pick.track().getSource();
    return filter.allows(pick.participantIdentity(), pick.track().getSid(), !pick.video(),
        source == LivekitModels.TrackSource.SCREEN_SHARE || source == LivekitModels.TrackSource.SCREEN_SHARE_AUDIO);
  }

  /** Zeroes decoded sound in place: a left-out track keeps its place on the timeline and in the mix, silent. */
  static byte[] silence(byte[] pcm, int length) {
    Arrays.fill(pcm, 0, length, (byte) 0);
    return pcm;
  }
}
