package io.egressjava.webrtc;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitModels;

/**
 * A joined room as a source uses it: find tracks, subscribe, leave. {@link RoomSubscriber} is the
 * real one (WebRTC); sources take a {@link Joiner} so their logic can be driven without a server.
 */
public interface RoomConnection extends AutoCloseable {

  /** Joins a room; the listener gets its frames and events. */
  @FunctionalInterface
  interface Joiner {
    RoomConnection join(String wsUrl, String token, RoomSubscriber.Listener listener, InetAddress localAddress,
        Duration timeout) throws IOException;
  }

  /** Over WebRTC to a real server. */
  Joiner WEBRTC = RoomSubscriber::join;

  /** The participant publishing {@code trackSid} and the track, as last announced. */
  Optional<Map.Entry<LivekitModels.ParticipantInfo, LivekitModels.TrackInfo>> findTrack(String trackSid);

  List<LivekitModels.ParticipantInfo> participants();

  /** Per-track receive counters by SSRC (none for a connection that does not receive RTP). */
  default Map<Long, TrackReceiver> receivers() {
    return Map.of();
  }

  void subscribe(String... trackSids);

  /** Asks the publisher of a subscribed video track for a key frame soon. */
  default void requestKeyFrame(String trackSid) {}

  /** Leaves the room; no listener call follows. */
  @Override
  void close();
}
