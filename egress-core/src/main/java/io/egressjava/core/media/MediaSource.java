package io.egressjava.core.media;

/**
 * Where media comes from. A raw source (the room's decoded tracks, a browser capture, a test
 * pattern) pushes pictures and sound; an encoded source (one track, as received) first names its
 * stream, then pushes its frames. Either pushes into the {@link Receiver} from its own thread.
 */
public interface MediaSource {

  /** What a source pushes into. */
  interface Receiver {
    /** A picture (any size) at {@code seconds} on the egress clock; valid during the call. */
    void video(Picture picture, double seconds);

    /**
     * PCM s16le 48 kHz stereo interleaved, its first sample at {@code seconds} on the egress clock
     * (gaps are filled with silence, overlaps trimmed).
     */
    void audio(byte[] pcm, int length, double seconds);

    /**
     * An encoded source found its stream: the outputs open for it. Throws PsrpcException when the
     * plan's outputs cannot take it (the source then fails with that error).
     */
    default void encodedStream(EncodedStream stream) {
      throw new UnsupportedOperationException("this receiver takes raw media only");
    }

    /** A whole frame of the encoded stream; {@code pts} in its clock rate's units since the first frame. */
    default void encoded(EncodedFrame frame, long pts) {
      throw new UnsupportedOperationException("this receiver takes raw media only");
    }

    /**
     * The egress's own participant got new metadata: what livekit-server's UpdateLayout sets (see
     * {@code LayoutControl}). Sources that join the room as the egress pass it on.
     */
    default void ownMetadata(String metadata) {}

    /** The publisher muted or unmuted the source's track (websocket outputs tell their clients). */
    default void muted(boolean muted) {}

    /**
     * Media has arrived and is being recorded from its first packet, though its first frames may
     * come later (a source that holds its start to settle it): the egress is ACTIVE from now.
     * Sources that hand over frames as they arrive need not call it.
     */
    default void flowing() {}

    /** The source ended by itself (room closed, END_RECORDING). */
    void ended();

    /**
     * Another instance owns this egress now (livekit-server replaced our participant, reason
     * DUPLICATE_IDENTITY, as when it dispatched the egress twice): stop without storing or
     * reporting anything, as the reference does. A source that cannot tell ends instead.
     */
    default void relinquished() {
      ended();
    }

    /** The source failed. */
    void failed(RuntimeException error);
  }

  void start(Receiver receiver);

  /**
   * How much the audio timestamps of this source jitter: the pipeline lets sound follow on
   * directly within this, and fills or trims beyond it. Sources with exact timestamps (RTP) say
   * less, so that a sender's drifting audio clock is corrected in small steps.
   */
  default double audioJitterSeconds() {
    return 0.020;
  }

  /**
   * How far this source's sound may come behind its pictures (in wall time) before the pipeline
   * takes the sound as missing and fills it with silence. A mixer that runs behind real time, so
   * that every input's packets are in, needs more than a capture device.
   */
  default double audioLatenessSeconds() {
    return 0.25;
  }

  /**
   * Now on the clock the source stamps its media with, in seconds (what media captured at this
   * instant is stamped); NaN while the clock has not started. Pausing cuts media at this time, so
   * that sound and pictures are cut at the same instant however late each arrives.
   */
  default double clockSeconds() {
    return Double.NaN;
  }

  /**
   * From now on, leaves out what {@code filter} excludes: its sound as silence, its picture not
   * shown. Sources that cannot tell tracks apart ignore it (the runner says so).
   */
  default boolean filter(TrackFilter filter) {
    return false;
  }

  /** Asks the sender for a key frame soon (an encoded source resuming after a pause). */
  default void requestKeyFrame() {}

  /**
   * Hands over what the source still holds before it is stopped, while the outputs still take it:
   * a mixer running behind real time pushes the sound it has already been given. Quick; may push.
   */
  default void flush() {}

  /** Stops pushing; returns once no more calls will be made. */
  void stop();

  /** Registers what this source counts (received bytes, packets, losses per track) into the egress's metrics. */
  default void registerMetrics(io.egressjava.core.metrics.EgressMetrics metrics) {}
}
