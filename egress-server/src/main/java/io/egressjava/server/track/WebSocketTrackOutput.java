package io.egressjava.server.track;

import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.StreamUrls;
import io.egressjava.media.ffmpeg.AudioDecoder;
import io.egressjava.sinks.websocket.WebSocketAudioSink;
import io.egressjava.source.room.rtp.EncodedFrame;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;

/**
 * Track egress to {@code websocket_url} (protocol.md §4.10): the audio track decoded to 48 kHz
 * stereo s16le PCM in binary frames, mute changes as JSON text frames.
 */
final class WebSocketTrackOutput implements TrackOutput {
  private final AudioDecoder decoder;
  private final List<WebSocketAudioSink> sinks = new ArrayList<>();
  private final Clock clock;

  WebSocketTrackOutput(List<StreamUrls.StreamTarget> targets, MediaCodec codec, Clock clock) {
    this.clock = clock;
    for (StreamUrls.StreamTarget t : targets) {
      sinks.add(WebSocketAudioSink.connect(t.url(), t.redacted()));
    }
    this.decoder = new AudioDecoder(codec, 2);
  }

  private EgressSession session;
  private boolean started;

  /** The session, for the stream results' start time. */
  WebSocketTrackOutput session(EgressSession session) {
    this.session = session;
    return this;
  }

  @Override
  public void write(EncodedFrame frame, long pts) {
    if (!started && session != null) {
      started = true;
      long now = clock.millis() * 1_000_000L;
      session.update(b -> {
        for (int i = 0; i < b.getStreamResultsCount(); i++) {
          b.setStreamResults(i, b.getStreamResults(i).toBuilder().setStartedAt(now));
        }
      });
    }
    decoder.decode(frame.data(), (pcm, length) -> sinks.forEach(s -> s.write(pcm, length)));
  }

  @Override
  public void muted(boolean muted) {
    sinks.forEach(s -> s.muted(muted));
  }

  @Override
  public void finish(EgressSession session) {
    abandon();
    long ended = clock.millis() * 1_000_000L;
    session.update(b -> {
      for (int i = 0; i < b.getStreamResultsCount(); i++) {
        b.setStreamResults(i, b.getStreamResults(i).toBuilder().setStatus(LivekitEgress.StreamInfo.Status.FINISHED)
            .setEndedAt(ended).setDuration(ended - b.getStreamResults(i).getStartedAt()));
      }
    });
  }

  @Override
  public void abandon() {
    sinks.forEach(WebSocketAudioSink::close);
    decoder.close();
  }
}
