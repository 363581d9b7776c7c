package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live stream outputs (RTMP as FLV, SRT as MPEG-TS) fed from shared encoders. Each URL has its own
 * writer thread and bounded queue, so a slow or broken destination fails alone; it starts at a key
 * frame, is retried a few times, and URLs can be added and removed while running. Only redacted URLs
 * are logged or reported.
 */
public final class StreamPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StreamPublisher.class);
  static final int MAX_RETRIES = 3;
  static final int QUEUE_PACKETS = 600;

  public enum Status { ACTIVE, FINISHED, FAILED }

  /** What is reported for one URL (the reference's StreamInfo fields). */
  public record State(String url, Status status, String error, int retries, Instant startedAt, Instant endedAt,
      Instant lastRetryAt) {}

  private final String format;
  private final VideoEncoder video;
  private final AudioEncoder audio;
  private final Clock clock;
  private final Consumer<State> onChange;
  private final Map<String, Destination> destinations = new LinkedHashMap<>();

  /** @param format "flv" for RTMP(S), "mpegts" for SRT */
  public StreamPublisher(String format, VideoEncoder video, AudioEncoder audio, Clock clock, Consumer<State> onChange) {
    this.format = format;
    this.video = video;
    this.audio = audio;
    this.clock = clock;
    this.onChange = onChange;
  }

  public synchronized void add(String url, String redacted) {
    destinations.computeIfAbsent(url, u -> new Destination(u, redacted)).start();
  }

  /**
   * Stops one destination (FINISHED); the others continue. Its writer is awaited outside the lock,
   * so the media thread never waits for a slow destination to close. False if it was not there.
   */
  public boolean remove(String url) {
    Destination d;
    synchronized (this) {
      d = destinations.remove(url);
    }
    if (d == null) {
      return false;
    }
    d.finish(Status.FINISHED, "");
    return true;
  }

  public synchronized List<State> states() {
    List<State> all = new ArrayList<>();
    destinations.values().forEach(d -> all.add(d.state));
    return all;
  }

  public synchronized int activeCount() {
    return (int) destinations.values().stream().filter(d -> d.state.status() == Status.ACTIVE).count();
  }

  public synchronized void writeVideo(AVPacket packet) {
    destinations.values().forEach(d -> d.offer(true, packet));
  }

  public synchronized void writeAudio(AVPacket packet) {
    destinations.values().forEach(d -> d.offer(false, packet));
  }

  @Override
  public synchronized void close() {
    destinations.values().forEach(d -> d.finish(Status.FINISHED, ""));
    destinations.clear();
  }

  /** A packet copy waiting for one destination; a null packet ends the writer. */
  private record Queued(AVPacket packet, boolean video) {}

  private static final Queued END = new Queued(null, false);

  /** One URL: a queue of packet copies and the thread that writes them. */
  private final class Destination {
    final String url;
    final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(QUEUE_PACKETS);
    final Thread writer;
    volatile State state;
    volatile boolean waitingForKeyFrame = true;
    /** Media time (s) of this connection's first packet, which becomes its zero. */
    double origin;

    Destination(String url, String redacted) {
      this.url = url;
      this.state = new State(redacted, Status.ACTIVE, "", 0, null, null, null);
      this.writer = new Thread(this::run, "stream-" + redacted);
      this.writer.setDaemon(true);
    }

    void start() {
      if (!writer.isAlive() && state.status() == Status.ACTIVE) {
        writer.start();
      }
    }

    void offer(boolean videoPacket, AVPacket packet) {
      if (state.status() != Status.ACTIVE) {
        return;
      }
      boolean key = videoPacket && (packet.flags() & AV_PKT_FLAG_KEY) != 0;
      if (waitingForKeyFrame && video != null) {
        if (!key) {
          return;
        }
        waitingForKeyFrame = false;
      }
      AVPacket copy = av_packet_clone(packet);
      if (!queue.offer(new Queued(copy, videoPacket))) {
        av_packet_free(copy);
        log.warn("stream {} cannot keep up; dropping it", state.url());
        finish(Status.FAILED, "stream cannot keep up");
      }
    }

    void run() {
      FileMuxer mux = null;
      int videoIndex = -1;
      int audioIndex = -1;
      try {
        while (true) {
          Queued q = queue.take();
          if (q == END) {
            break;
          }
          AVPacket p = q.packet();
          boolean videoPacket = q.video();
          try {
            if (mux == null) {
              mux = FileMuxer.network(url, format);
              videoIndex = video == null ? -1 : mux.addStream(video);
              audioIndex = audio == null ? -1 : mux.addStream(audio);
              mux.open();
              origin = p.pts() * secondsPerTick(videoPacket);
              update(new State(state.url(), Status.ACTIVE, "", state.retries(), clock.instant(), null, state.lastRetryAt()));
            }
            if (startAtZero(p, videoPacket)) {
              mux.write(videoPacket ? videoIndex : audioIndex, p);
            }
          } catch (MediaException e) {
            closeQuietly(mux);
            mux = null;
            if (state.retries() >= MAX_RETRIES) {
              log.warn("stream {} failed: {}", state.url(), e.getMessage());
              update(new State(state.url(), Status.FAILED, e.getMessage(), state.retries(), state.startedAt(), clock.instant(),
                  state.lastRetryAt()));
              drain();
              return;
            }
            log.warn("stream {} failed ({}); retrying", state.url(), e.getMessage());
            update(new State(state.url(), Status.ACTIVE, "", state.retries() + 1, state.startedAt(), null, clock.instant()));
            waitingForKeyFrame = true;
            drain();
            Thread.sleep(1000);
          } finally {
            av_packet_free(p);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly(mux);
        drain();
      }
    }

    /**
     * Each connection's timestamps start at zero at its first key frame, as a publisher's would:
     * a destination added by UpdateStream (or reconnected) minutes into the egress must not
     * start minutes in. Packets from just before that key frame (audio) are dropped.
     */
    boolean startAtZero(AVPacket p, boolean videoPacket) {
      double tick = secondsPerTick(videoPacket);
      long shift = Math.round(origin / tick);
      if (p.dts() - shift < 0) {
        return false;
      }
      p.pts(p.pts() - shift);
      p.dts(p.dts() - shift);
      return true;
    }

    double secondsPerTick(boolean videoPacket) {
      var tb = (videoPacket ? video.context() : audio.context()).time_base();
      return (double) tb.num() / tb.den();
    }

    void drain() {
      for (Queued q; (q = queue.poll()) != null; ) {
        if (q != END) {
          av_packet_free(q.packet());
        }
      }
    }

    void finish(Status status, String error) {
      if (state.status() == Status.ACTIVE) {
        update(new State(state.url(), status, error, state.retries(), state.startedAt(), clock.instant(), state.lastRetryAt()));
      }
      try {
        queue.put(END);
        writer.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void update(State s) {
      state = s;
      onChange.accept(s);
    }

    void closeQuietly(FileMuxer mux) {
      if (mux != null) {
        try {
          mux.close();
        } catch (MediaException e) {
          log.debug("closing stream {}: {}", state.url(), e.getMessage());
        }
      }
    }
  }
}
