package io.egressjava.pipeline;

import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.Picture;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.media.ffmpeg.AudioDecoder;
import io.egressjava.media.ffmpeg.AudioTimeline;
import io.egressjava.media.ffmpeg.ConstantFrameRate;
import io.egressjava.media.ffmpeg.TranscodeGraph;
import io.egressjava.media.ffmpeg.VideoScaler;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw media onto the transcode graph: pictures fitted to the plan's size at its constant frame
 * rate, sound kept on one timeline (gaps filled with silence, overlaps trimmed, and never behind
 * the pictures by more than the source's lateness allowance). The sound also goes, as PCM, to
 * {@code pcmOut} (websocket outputs). Not thread-safe: the runner calls it under its lock.
 */
final class RawFeed {
  private static final Logger log = LoggerFactory.getLogger(RawFeed.class);

  private final EgressPlan plan;
  private final TranscodeGraph graph;
  private final MediaSource source;
  private final AudioDecoder.PcmConsumer pcmOut;
  private final VideoScaler scaler;
  private final ConstantFrameRate frameRate;
  private final AudioTimeline audioTimeline;
  private boolean hasPicture;
  /** The last picture fitted, not yet encoded (in the scaler's output), and its time. */
  private boolean hasPending;
  private double pendingSeconds;
  /** Where on the timeline late audio was last warned about (see {@link #warnLateAudio}). */
  private double lateAudioWarnedAt = Double.NEGATIVE_INFINITY;
  /** Video slots that repeated the shown picture; bytes of PCM dropped as late (metrics). */
  private volatile long repeatedFrames;
  private volatile long lateAudioBytes;

  /** @param pcmOut also gets the sound as placed on the timeline; null for none */
  RawFeed(EgressPlan plan, TranscodeGraph graph, MediaSource source, AudioDecoder.PcmConsumer pcmOut) {
    this.plan = plan;
    this.graph = graph;
    this.source = source;
    this.pcmOut = pcmOut;
    var e = plan.encoding();
    this.scaler = plan.video().enabled() ? new VideoScaler(e.width(), e.height()) : null;
    this.frameRate = new ConstantFrameRate(e.framerate());
    this.audioTimeline = new AudioTimeline(source.audioJitterSeconds());
  }

  long repeatedFrames() {
    return repeatedFrames;
  }

  /** Seconds of sound dropped because it came after the timeline passed its place. */
  double lateAudioSeconds() {
    return lateAudioBytes / (double) AudioTimeline.bytes(48_000);
  }

  /** Whether pictures are recorded at all. */
  boolean takesVideo() {
    return scaler != null;
  }

  /** A picture at {@code seconds}: it is encoded once the next one says which slots it gets. */
  void video(Picture picture, double seconds) {
    if (hasPending) {
      emit(frameRate.decide(pendingSeconds, seconds));
    }
    scaler.fit(picture);
    pendingSeconds = seconds;
    hasPending = true;
    if (graph.audioEncoder() != null) {
      // a stalled or muted microphone must not let the sound fall behind the pictures
      writeSilence(audioTimeline.silenceOwed(seconds, source.audioLatenessSeconds()));
    }
  }

  /** Sound with its first sample at {@code seconds}. */
  void audio(byte[] pcm, int length, double seconds) {
    AudioTimeline.Placement place = audioTimeline.place(length, seconds);
    if (place.offset() > 0) {
      lateAudioBytes += place.offset();
      warnLateAudio(seconds);
    }
    writeSilence(place.silenceSamples());
    if (place.length() > 0) {
      byte[] chunk = place.offset() == 0 ? pcm : Arrays.copyOfRange(pcm, place.offset(), place.offset() + place.length());
      writeAudio(chunk, place.length());
    }
  }

  private void writeSilence(int samples) {
    if (samples > 0) {
      int bytes = AudioTimeline.bytes(samples);
      writeAudio(new byte[bytes], bytes);
    }
  }

  private void writeAudio(byte[] pcm, int length) {
    if (graph.audioEncoder() != null) {
      graph.pushAudio(pcm, length);
    }
    if (pcmOut != null) {
      pcmOut.accept(pcm, length);
    }
  }

  /**
   * Encodes the decided slots: repeats of what is shown (none before the first picture: the video
   * starts where its first picture is, as the reference's does, not frozen on it), then the pending
   * picture.
   */
  private void emit(ConstantFrameRate.Slots slots) {
    if (slots.repeats() > 0) {
      if (hasPicture) {
        repeatedFrames += slots.repeats();
        for (int i = 0; i < slots.repeats(); i++) {
          graph.pushVideo(scaler.held());
        }
      } else {
        graph.skipVideo(slots.repeats()); // their time still counts, or the video would run early
      }
    }
    if (slots.previous() > 0) {
      AVFrame shown = scaler.hold();
      hasPicture = true;
      for (int i = 0; i < slots.previous(); i++) {
        graph.pushVideo(shown);
      }
    }
  }

  /**
   * Warns when sound comes for a place the timeline already filled (its input was later than the
   * source's allowance): the first time, then at most every 10 s of the egress, so a source that
   * keeps losing its sound is seen in the log, not only as a silent file.
   */
  private void warnLateAudio(double chunkSeconds) {
    double timeline = audioTimeline.seconds();
    if (timeline - lateAudioWarnedAt >= 10) {
      lateAudioWarnedAt = timeline;
      log.warn("{}: audio for {} s came after the timeline passed it ({} s): the late part is dropped", plan.egressId(),
          seconds(chunkSeconds), seconds(timeline));
    }
  }

  /** Encodes the last picture and the sound owed up to it, then closes the graph (outputs finalized on disk). */
  void drainAndClose() {
    if (hasPending) { // the last picture gets its own slot
      double end = pendingSeconds + 1.0 / plan.encoding().framerate();
      emit(frameRate.decide(pendingSeconds, end));
      hasPending = false;
      if (graph.audioEncoder() != null) {
        // no more sound will come: a silent input's track runs to the last picture, not to
        // the source's lateness allowance before it
        writeSilence(audioTimeline.silenceOwed(end, 0));
      }
    }
    if (graph.audioEncoder() != null) {
      log.info("{}: audio {} s, of it {} s silence filled in; {} s came too late and were dropped", plan.egressId(),
          seconds(audioTimeline.seconds()), seconds((double) audioTimeline.silenceWritten() / AudioTimeline.RATE),
          seconds((double) audioTimeline.dropped() / AudioTimeline.RATE)); // (counted in samples)
    }
    close();
  }

  /** Closes the graph and the scaler. */
  void close() {
    graph.close();
    if (scaler != null) {
      scaler.close();
    }
  }

  private static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }
}
