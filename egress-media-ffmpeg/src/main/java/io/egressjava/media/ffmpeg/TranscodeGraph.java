package io.egressjava.media.ffmpeg;

import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encode-and-fan-out half of a transcoding egress: one video and one audio encoder shared by
 * every output (files, HLS segments, streams) plus JPEG stills taken from the raw frames. Encoders
 * emit in-band headers, so TS/SRT work as they are and MP4/FLV take their parameter sets from the
 * first key frame. Each output fails alone: its error is recorded and the others keep going.
 */
public final class TranscodeGraph implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TranscodeGraph.class);

  /** An output that failed, and why. */
  public record Failure(String output, String error) {}

  private interface Output {
    String name();

    void video(AVPacket p);

    void audio(AVPacket p);

    void close();
  }

  private final VideoEncoder video;
  private final AudioEncoder audio;
  private final List<Output> outputs = new ArrayList<>();
  private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
  private final List<Stills> stills = new ArrayList<>();
  private final List<Preview> previews = new ArrayList<>();
  /** Bytes and video frames each output took (kept after the output ends). */
  private final java.util.Map<Output, Written> written = new java.util.concurrent.ConcurrentHashMap<>();
  /** When the first picture or sound reached the encoders (System.nanoTime; 0 before). */
  private volatile long firstInputNanos;

  /** What one output took so far. */
  public static final class Written {
    private final java.util.concurrent.atomic.LongAdder bytes = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder videoFrames = new java.util.concurrent.atomic.LongAdder();
    private final String name;
    private final long addedNanos;
    private final java.util.function.LongSupplier firstInputNanos;

    Written(String name, long addedNanos, java.util.function.LongSupplier firstInputNanos) {
      this.name = name;
      this.addedNanos = addedNanos;
      this.firstInputNanos = firstInputNanos;
    }

    /**
     * When the output started taking media (System.nanoTime): when the first picture or sound
     * reached the encoders, or when the output was added if that was later. Its first packet comes
     * later by the encoder's delay, and a rate counted from there would count that backlog too fast.
     */
    public long startedNanos() {
      return Math.max(firstInputNanos.getAsLong(), addedNanos);
    }

    public long bytes() {
      return bytes.sum();
    }

    public long videoFrames() {
      return videoFrames.sum();
    }
  }
  private SegmentWriter segments;

  /** @param audioCodec null for video-only; {@code withVideo} false for audio-only */
  public TranscodeGraph(Encoding encoding, MediaCodec audioCodec, boolean withVideo, boolean constantBitrate) {
    this(encoding, audioCodec, withVideo, constantBitrate, 0);
  }

  /** @param videoThreads encoder threads, 0 = {@link VideoEncoder}'s choice from the picture rate */
  public TranscodeGraph(Encoding encoding, MediaCodec audioCodec, boolean withVideo, boolean constantBitrate,
      int videoThreads) {
    this(encoding, audioCodec, withVideo, constantBitrate, videoThreads, false);
  }

  /** @param economyVideo the video encoder's economy setting (see {@link VideoEncoder}) */
  public TranscodeGraph(Encoding encoding, MediaCodec audioCodec, boolean withVideo, boolean constantBitrate,
      int videoThreads, boolean economyVideo) {
    this.video = withVideo ? new VideoEncoder(encoding, false, constantBitrate, videoThreads, economyVideo) : null;
    this.audio = audioCodec == null ? null : new AudioEncoder(audioCodec, encoding.audioBitrate(), encoding.audioFrequency(), false);
  }

  /**
   * The graph as Graphviz DOT statements (nodes and edges, no enclosing graph), fed by {@code from}:
   * each encoder, then every output it feeds. The pipeline's dump, as the Go egress's GStreamer dot files.
   */
  public String dot(String from) {
    StringBuilder b = new StringBuilder();
    List<String> encoders = new ArrayList<>();
    if (video != null) {
      b.append("  video [shape=box,label=\"video encoder\\n").append(video.describe()).append("\"];\n");
      encoders.add("video");
    }
    if (audio != null) {
      b.append("  audio [shape=box,label=\"audio encoder\\n").append(audio.describe()).append("\"];\n");
      encoders.add("audio");
    }
    encoders.forEach(e -> b.append("  ").append(from).append(" -> ").append(e).append(";\n"));
    int n = 0;
    for (Output o : List.copyOf(outputs)) {
      String id = "out" + n++;
      b.append("  ").append(id).append(" [label=\"").append(o.name().replace("\"", "'")).append("\"];\n");
      encoders.forEach(e -> b.append("  ").append(e).append(" -> ").append(id).append(";\n"));
    }
    for (int i = 0; i < stills.size(); i++) {
      b.append("  stills").append(i).append(" [label=\"images every ").append(stills.get(i).interval).append(" s\"];\n");
      b.append("  ").append(from).append(" -> stills").append(i).append(";\n");
    }
    return b.toString();
  }

  public VideoEncoder videoEncoder() {
    return video;
  }

  public AudioEncoder audioEncoder() {
    return audio;
  }

  /** A file output (mp4, ogg, mp3…). */
  public void addFile(Path file, String format) {
    FileMuxer mux = new FileMuxer(file, format);
    int vs = video == null ? -1 : mux.addStream(video);
    int as = audio == null ? -1 : mux.addStream(audio);
    addOutput(new Output() {
      public String name() {
        return "file " + file.getFileName();
      }

      public void video(AVPacket p) {
        mux.write(vs, p);
      }

      public void audio(AVPacket p) {
        mux.write(as, p);
      }

      public void close() {
        mux.close();
      }
    });
  }

  /** HLS segments; the video encoder makes key frames on the segment boundaries. */
  public void addSegments(SegmentWriter writer) {
    this.segments = writer;
    addOutput(new Output() {
      public String name() {
        return "segments";
      }

      public void video(AVPacket p) {
        writer.writeVideo(p);
      }

      public void audio(AVPacket p) {
        writer.writeAudio(p);
      }

      public void close() {
        writer.close();
      }
    });
  }

  /** Live streams (their own per-URL isolation and retries). */
  public void addStreams(StreamPublisher publisher) {
    addOutput(new Output() {
      public String name() {
        return "streams";
      }

      public void video(AVPacket p) {
        publisher.writeVideo(p);
      }

      public void audio(AVPacket p) {
        publisher.writeAudio(p);
      }

      public void close() {
        publisher.close();
      }
    });
  }

  /** JPEG stills every {@code interval} of media time, named by {@code pathForIndex}. */
  public void addImages(int width, int height, Duration interval, java.util.function.IntFunction<Path> pathForIndex,
      Consumer<Path> onImage) {
    stills.add(new Stills(new JpegWriter(width, height), interval.toNanos() / 1e9, pathForIndex, onImage));
  }

  /**
   * A small JPEG of the picture every {@code interval} of media time, handed to {@code onPicture}
   * (a status page's view of the egress; nothing is written to disk).
   */
  public void addPreview(int width, int height, Duration interval, Consumer<byte[]> onPicture) {
    previews.add(new Preview(new JpegWriter(width, height), interval.toNanos() / 1e9, onPicture));
  }

  /** Takes the next output frame (I420 at the plan's size): stills, then encode and fan out. */
  public void pushVideo(AVFrame frame) {
    AVFrame target = video.writableFrame();
    if (target != frame) {
      Ffmpeg.check(org.bytedeco.ffmpeg.global.avutil.av_frame_copy(target, frame), "av_frame_copy");
    }
    encodeFilledVideo();
  }

  /** Leaves the next {@code frames} video slots empty (a picture that starts late). */
  public void skipVideo(int frames) {
    video.skip(frames);
  }

  /** Fills the encoder's own frame in place (avoids a copy), then encodes as {@link #pushVideo}. */
  public AVFrame videoFrameToFill() {
    return video.writableFrame();
  }

  public void encodeFilledVideo() {
    noteInput();
    double t = video.nextFrameTime();
    AVFrame frame = video.writableFrame();
    for (Stills s : stills) {
      s.maybeTake(frame, t);
    }
    for (Preview p : previews) {
      p.maybeTake(frame, t);
    }
    boolean key = segments != null && segments.keyFrameDue(t);
    video.encode(key, this::fanOutVideo);
  }

  /** Takes mixed PCM (s16le 48 kHz stereo). */
  public void pushAudio(byte[] pcm, int length) {
    noteInput();
    audio.encode(pcm, length, this::fanOutAudio);
  }

  private void noteInput() {
    if (firstInputNanos == 0) {
      firstInputNanos = System.nanoTime();
    }
  }

  private void fanOutVideo(AVPacket p) {
    forEachOutput(o -> {
      o.video(p);
      Written w = written.get(o);
      w.bytes.add(p.size());
      w.videoFrames.increment();
    });
  }

  private void fanOutAudio(AVPacket p) {
    forEachOutput(o -> {
      o.audio(p);
      written.get(o).bytes.add(p.size());
    });
  }

  private void addOutput(Output o) {
    written.put(o, new Written(o.name(), System.nanoTime(), () -> firstInputNanos));
    outputs.add(o);
  }

  /** Per output name: the encoded bytes and video frames it took, once it has taken some (metrics). */
  public java.util.Map<String, Written> written() {
    java.util.Map<String, Written> byName = new java.util.HashMap<>();
    written.values().forEach(w -> {
      if (w.bytes() > 0) {
        byName.put(w.name, w);
      }
    });
    return byName;
  }

  private void forEachOutput(Consumer<Output> action) {
    for (Output o : List.copyOf(outputs)) {
      try {
        action.accept(o);
      } catch (RuntimeException e) {
        fail(o, e);
      }
    }
  }

  private void fail(Output o, RuntimeException e) {
    log.warn("{} failed: {}", o.name(), e.getMessage());
    failures.add(new Failure(o.name(), String.valueOf(e.getMessage())));
    outputs.remove(o);
    try {
      o.close();
    } catch (RuntimeException ignored) {
      // it already failed
    }
  }

  public List<Failure> failures() {
    return List.copyOf(failures);
  }

  /** Flushes the encoders and finalizes every output that is still healthy. */
  @Override
  public void close() {
    try {
      if (video != null) {
        video.flush(this::fanOutVideo);
      }
      if (audio != null) {
        audio.flush(this::fanOutAudio);
      }
      for (Output o : List.copyOf(outputs)) {
        try {
          o.close();
        } catch (RuntimeException e) {
          failures.add(new Failure(o.name(), String.valueOf(e.getMessage())));
        }
      }
    } finally {
      stills.forEach(s -> s.writer.close());
      previews.forEach(p -> p.writer.close());
      if (video != null) {
        video.close();
      }
      if (audio != null) {
        audio.close();
      }
    }
  }

  /** One image output. */
  private final class Stills {
    final JpegWriter writer;
    final double interval;
    final java.util.function.IntFunction<Path> path;
    final Consumer<Path> onImage;
    int taken;

    Stills(JpegWriter writer, double interval, java.util.function.IntFunction<Path> path, Consumer<Path> onImage) {
      this.writer = writer;
      this.interval = interval;
      this.path = path;
      this.onImage = onImage;
    }

    void maybeTake(AVFrame frame, double t) {
      if (t + 1e-9 < taken * interval) {
        return;
      }
      try {
        Path target = path.apply(taken);
        writer.write(frame, target);
        onImage.accept(target);
      } catch (RuntimeException e) {
        failures.add(new Failure("images", String.valueOf(e.getMessage())));
      }
      taken++;
    }
  }

  private static final class Preview {
    final JpegWriter writer;
    final double interval;
    final Consumer<byte[]> onPicture;
    double next;

    Preview(JpegWriter writer, double interval, Consumer<byte[]> onPicture) {
      this.writer = writer;
      this.interval = interval;
      this.onPicture = onPicture;
    }

    void maybeTake(AVFrame frame, double t) {
      if (t + 1e-9 < next) {
        return;
      }
      next = t + interval;
      try {
        onPicture.accept(writer.encode(frame));
      } catch (RuntimeException e) {
        log.debug("preview not taken: {}", e.getMessage()); // only a view: the recording goes on
      }
    }
  }
}
