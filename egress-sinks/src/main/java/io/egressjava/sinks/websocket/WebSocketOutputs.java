package io.egressjava.sinks.websocket;

import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.plan.StreamUrls;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import livekit.LivekitEgress;

/**
 * An egress's websocket outputs (protocol.md §4.10) and their StreamInfos: every URL gets the same
 * PCM and mute changes; each result starts at the first sound sent and ends FINISHED.
 */
public final class WebSocketOutputs {
  private final List<WebSocketAudioSink> sinks = new ArrayList<>();
  private final EgressSession session;
  private final Clock clock;
  private boolean sent;

  /** Dials every target; throws the dial's error (unavailable) for the first that fails. */
  public WebSocketOutputs(List<StreamUrls.StreamTarget> targets, EgressSession session, Clock clock) {
    this.session = session;
    this.clock = clock;
    try {
      for (StreamUrls.StreamTarget t : targets) {
        sinks.add(WebSocketAudioSink.connect(t.url(), t.redacted()));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** PCM s16le 48 kHz stereo to every socket; throws PsrpcException when one of them failed. */
  public void write(byte[] pcm, int length) {
    if (!sent) {
      sent = true;
      long now = nanos();
      session.update(b -> {
        for (int i = 0; i < b.getStreamResultsCount(); i++) {
          b.setStreamResults(i, b.getStreamResults(i).toBuilder().setStartedAt(now));
        }
      });
    }
    for (WebSocketAudioSink s : sinks) {
      s.write(pcm, length);
    }
  }

  public void muted(boolean muted) {
    sinks.forEach(s -> s.muted(muted));
  }

  /** Sends close frames. */
  public void close() {
    sinks.forEach(WebSocketAudioSink::close);
  }

  /** Closes the sockets and ends every result FINISHED, its duration from the first sound sent. */
  public void finish() {
    close();
    long ended = nanos();
    session.update(b -> {
      for (int i = 0; i < b.getStreamResultsCount(); i++) {
        var r = b.getStreamResults(i);
        long started = sent ? r.getStartedAt() : 0;
        b.setStreamResults(i, r.toBuilder().setStatus(LivekitEgress.StreamInfo.Status.FINISHED)
            .setStartedAt(started).setEndedAt(ended).setDuration(started == 0 ? 0 : ended - started));
      }
    });
  }

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }
}
