package io.egressjava.pipeline;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.media.EncodedFrame;
import io.egressjava.core.media.EncodedStream;
import io.egressjava.core.media.FrameSize;
import io.egressjava.core.naming.OutputNames;
import io.egressjava.core.naming.Placeholders;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.OutputType;
import io.egressjava.core.plan.PlannedOutputs;
import io.egressjava.media.ffmpeg.AudioDecoder;
import io.egressjava.media.ffmpeg.GapFrames;
import io.egressjava.media.ffmpeg.MediaDuration;
import io.egressjava.media.ffmpeg.PassthroughMuxer;
import io.egressjava.sinks.file.FileResult;
import io.egressjava.sinks.websocket.WebSocketOutputs;
import io.egressjava.storage.EgressStorage;
import java.nio.file.Path;
import java.util.List;

/**
 * The outputs of an egress that keeps its media as received (track egress): a file in the
 * container for the codec, written without a decoder or encoder; or, for websockets, the audio
 * decoded to PCM. They open once the source has named its stream, and the file at its first frame.
 */
final class PassthroughOutputs {
  private final EgressContext ctx;
  private final List<Runnable> finishers;
  private EncodedStream stream;
  private PlannedOutputs.FileOutput file;
  private PassthroughMuxer muxer;
  private int muxTrack;
  private FileResult fileResult;
  private long fileStartedNanos;
  private AudioDecoder decoder;
  private WebSocketOutputs websockets;
  private long frames;
  private final PauseTimeline pauses;
  private final Runnable askKeyFrame;
  /** Resumed, and the first frame after the pause not written yet (pictures wait for a key frame). */
  private boolean resuming;
  /** Subtracted from every pts: the cut spans taken out so far, in the stream's clock units. */
  private long cut;
  private long lastPts = -1;
  private long lastStep;
  /** The picture size the file was opened with; a gap's black frames are made at it, once. */
  private int[] videoSize = {0, 0};
  private byte[] black;
  private boolean blackMade;

  /**
   * @param finishers where the outputs' finishers go (run after {@link #close})
   * @param pauses frames arriving while it is paused are not written
   * @param askKeyFrame asks the sender for a key frame (pictures resume on one)
   */
  PassthroughOutputs(EgressContext ctx, List<Runnable> finishers, PauseTimeline pauses, Runnable askKeyFrame) {
    this.ctx = ctx;
    this.finishers = finishers;
    this.pauses = pauses;
    this.askKeyFrame = askKeyFrame;
  }

  /** Opens the plan's output for {@code stream}; throws PsrpcException when it cannot take the codec. */
  void open(EncodedStream stream) {
    this.stream = stream;
    EgressPlan plan = ctx.plan();
    MediaCodec codec = stream.codec();
    OutputType container = OutputType.forTrackCodec(codec);
    if (container == null) {
      throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT,
          "track " + stream.trackId() + " has unsupported codec " + stream.mimeType());
    }
    if (plan.file() != null) {
      if (codec == MediaCodec.PCMU || codec == MediaCodec.PCMA) {
        throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "track egress of " + stream.mimeType()
            + " to a file needs transcoding to Opus, which this build does not do yet");
      }
      file = nameFile(plan.file(), container);
      finishers.add(this::storeFile);
    } else if (plan.stream() != null) {
      if (!codec.isAudio()) {
        throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, "format websocket incompatible with codec " + stream.mimeType());
      }
      websockets = new WebSocketOutputs(plan.stream().targets(), ctx.session(), ctx.clock());
      decoder = new AudioDecoder(codec, 2);
      finishers.add(websockets::finish);
    }
  }

  /** Placeholders known only now ({track_id}, {track_type}, …) and the extension of the container. */
  private PlannedOutputs.FileOutput nameFile(PlannedOutputs.FileOutput planned, OutputType container) {
    Placeholders values = ctx.plan().naming().placeholders();
    for (var e : stream.names().entrySet()) {
      values = values.with(e.getKey(), e.getValue());
    }
    String path = OutputNames.filePath(planned.template(), stream.trackId(), values, container.extension(),
        ctx.plan().retryCount(), ctx.clock().instant().atZone(ctx.clock().getZone()));
    return planned.withType(container, path);
  }

  /**
   * One frame, in arrival order. While paused it is dropped (a websocket gets silence for it in gap
   * mode); after a cut the stream's time runs on from the last frame written, so the file has no
   * hole; after a gap it keeps its own time. Pictures resume on a key frame.
   */
  void write(EncodedFrame frame, long pts) {
    PauseMode paused = pauses.mode();
    if (paused != null) {
      if (paused == PauseMode.GAP) {
        writeGap(frame, pts);
      }
      return;
    }
    if (resuming) {
      if (!stream.codec().isAudio() && !frame.keyFrame()) {
        askKeyFrame.run();
        return;
      }
      resuming = false;
      var spans = pauses.spans();
      if (lastPts >= 0 && spans.get(spans.size() - 1).mode() == PauseMode.CUT) {
        cut = pts - (lastPts + Math.max(1, lastStep));
      }
    }
    pts -= cut;
    if (lastPts >= 0) {
      lastStep = pts - lastPts;
    }
    lastPts = pts;
    if (file != null) {
      if (muxer == null) {
        openFile(frame);
      }
      muxer.write(muxTrack, frame.data(), pts, frame.keyFrame());
    }
    if (decoder != null) {
      decoder.decode(frame.data(), websockets::write);
    }
    frames++;
  }

  /**
   * In a gap: the websocket gets silence for the frame, the file a blank frame at its time (Opus
   * silence, a black VP8 key frame; nothing for other codecs, nor before the file has begun).
   */
  private void writeGap(EncodedFrame frame, long pts) {
    if (decoder != null) {
      decoder.decode(frame.data(), (pcm, length) -> websockets.write(new byte[length], length));
    }
    if (muxer == null) {
      return;
    }
    byte[] blank;
    if (stream.codec().isAudio()) {
      boolean twentyMs = lastStep == 0 || lastStep == GapFrames.OPUS_SILENCE_TICKS;
      blank = stream.codec() == MediaCodec.OPUS && twentyMs ? GapFrames.opusSilence() : null;
    } else {
      if (black == null && !blackMade) {
        blackMade = true;
        black = GapFrames.blackKeyFrame(stream.codec(), videoSize[0], videoSize[1]);
      }
      blank = black;
    }
    long out = pts - cut;
    if (blank != null && out > lastPts) {
      muxer.write(muxTrack, blank, out, true);
      lastStep = lastPts >= 0 ? out - lastPts : lastStep;
      lastPts = out;
    }
  }

  private void openFile(EncodedFrame first) {
    Path local = ctx.workDir().resolve(StoragePaths.base(file.storagePath()));
    MediaCodec codec = stream.codec();
    muxer = new PassthroughMuxer(local, codec);
    int[] size = FrameSize.of(codec, first);
    videoSize = new int[] {size != null ? size[0] : stream.width(), size != null ? size[1] : stream.height()};
    muxTrack = muxer.addTrack(codec == MediaCodec.OPUS
        ? PassthroughMuxer.TrackFormat.opus(2)
        : PassthroughMuxer.TrackFormat.video(codec, videoSize[0], videoSize[1]));
    fileStartedNanos = ctx.nowNanos();
    ctx.manifest().set("started_at", fileStartedNanos);
    fileResult = new FileResult(local, file.storagePath(), file.type().mime(), ctx.journal(), fileStartedNanos);
  }

  /** The pause ended: the next frame written continues the stream (see {@link #write}). */
  void resumed() {
    resuming = true;
  }

  void muted(boolean muted) {
    if (websockets != null) {
      websockets.muted(muted);
    }
  }

  /** Frames taken so far. */
  long frames() {
    return frames;
  }

  /** Finalizes the file on disk and releases the decoder; the finishers store and report. */
  void close() {
    if (muxer != null) {
      muxer.close();
    }
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
  }

  /** Closes everything without storing or reporting (another instance owns the egress). */
  void abandon() {
    close();
    if (websockets != null) {
      websockets.close();
    }
  }

  private void storeFile() {
    if (fileResult == null) {
      return; // no frame came: nothing was written
    }
    try (EgressStorage store = ctx.storage(file.storage())) {
      fileResult.store(store, ctx.maxUploadQueue(), fileStartedNanos, MediaDuration.nanos(fileResult.local()),
          ctx.manifest(), ctx.session());
    }
  }
}
