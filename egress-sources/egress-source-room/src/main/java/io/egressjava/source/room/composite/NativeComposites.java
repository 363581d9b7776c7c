package io.egressjava.source.room.composite;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.SourceProvider;
import io.egressjava.core.media.SplitSource;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.source.room.media.RoomMediaSource;

/**
 * Room composites on a built-in layout without a browser, when {@code room_composite_renderer:
 * native}: the pictures composed from the room's video tracks ({@link CompositePictures}), the
 * sound mixed from its audio tracks by a second participant as for Chrome's composites, both on
 * the pictures' time zero. Custom pages and web egress stay Chrome's.
 */
public final class NativeComposites implements SourceProvider {
  /**
   * Until the sender reports tell better ({@link PictureLipSync}), the room's sound goes this much
   * later than it arrives: a picture waits for its time on the tile's schedule ({@link Playout}),
   * then half a frame for the next composition, and decoding.
   */
  static final double PICTURE_DELAY_SECONDS = Playout.DELAY_SECONDS + 0.020;

  /** Before the browser's provider, which would take these plans too. */
  @Override
  public int priority() {
    return 20;
  }

  /**
   * Whether this egress is composed without a browser: a built-in layout with pictures, its sound
   * (if any) mixed from the room's tracks, and the config asks for it.
   */
  public static boolean takes(io.egressjava.api.config.EgressConfig config, EgressPlan plan) {
    return config.nativeRoomComposite() && plan.source().builtInLayout() && plan.video().enabled()
        && (!plan.audio().enabled() || plan.source().mixesRoomAudio());
  }

  @Override
  public MediaSource create(EgressPlan plan, Context context) {
    if (!takes(context.config(), plan)) {
      return null;
    }
    CompositePictures pictures = new CompositePictures(plan);
    if (!plan.audio().enabled()) {
      return pictures;
    }
    RoomMediaSource sound = new RoomMediaSource(plan, plan.source().roomAudioToken(), null);
    pictures.origin(sound.originFromElsewhere());
    sound.onLevels(pictures::heard); // the speaker layouts follow the sound the egress hears
    sound.delayAudio(new PictureLipSync(pictures::shownAfterSender, sound::mixedAfterSender, pictures.halfFrameSeconds(),
        PICTURE_DELAY_SECONDS, System::nanoTime, plan.egressId()));
    return new SplitSource(pictures, sound);
  }
}
