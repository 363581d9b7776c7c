package io.egressjava.pipeline;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import io.egressjava.core.lifecycle.EgressSession;
import io.egressjava.core.lifecycle.PauseMode;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.media.MediaSource;
import io.egressjava.core.media.TrackFilter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running egress's owner can change while it records: pause and resume (the {@link
 * PauseTimeline} the outputs consult) and who is left out (the {@link TrackFilter} the source
 * applies). Keeps EgressInfo's details and the manifest's paused spans in step. Decisions are taken
 * under the runner's media lock, so media never sees half a change.
 */
final class EgressControls {
  private static final Logger log = LoggerFactory.getLogger(EgressControls.class);

  private final String egressId;
  private final Object lock;
  private final MediaSource source;
  private final EgressSession session;
  private final DoubleSupplier mediaNow;
  private final LongSupplier wallNanos;
  private final Runnable onResume;
  private final PauseTimeline pauses;
  /** When each pause began and ended on the wall clock, Unix ns (0 while it lasts), in the timeline's order. */
  private final List<long[]> wallSpans = new ArrayList<>();
  private TrackFilter filter = TrackFilter.NONE;

  /**
   * @param lock the runner's media lock
   * @param mediaNow "now" on the media's clock (the source's for raw media); called outside the lock
   * @param wallNanos now as Unix ns
   * @param onResume under the lock, when a pause ends (passthrough waits for a key frame)
   * @param framePeriod the output's frame period (s) when pictures are fitted to a frame rate, else 0
   */
  EgressControls(String egressId, Object lock, MediaSource source, EgressSession session, DoubleSupplier mediaNow,
      LongSupplier wallNanos, Runnable onResume, double framePeriod) {
    this.egressId = egressId;
    this.lock = lock;
    this.source = source;
    this.session = session;
    this.mediaNow = mediaNow;
    this.wallNanos = wallNanos;
    this.onResume = onResume;
    this.pauses = new PauseTimeline(framePeriod);
  }

  PauseTimeline timeline() {
    return pauses;
  }

  /** Pauses at the media clock's now; false when already paused or {@code ending}. */
  boolean pause(PauseMode mode, BooleanSupplier ending) {
    double at = mediaNow.getAsDouble(); // not under the lock: a source may hold its own while it waits for it
    synchronized (lock) {
      if (ending.getAsBoolean() || !pauses.pause(at, mode)) {
        return false;
      }
      wallSpans.add(new long[] {wallNanos.getAsLong(), 0});
    }
    log.info("{}: paused ({})", egressId, mode.label());
    publishNote();
    return true;
  }

  /** Resumes at the media clock's now; false when not paused. */
  boolean resume() {
    double at = mediaNow.getAsDouble();
    synchronized (lock) {
      if (!pauses.resume(at)) {
        return false;
      }
      wallSpans.get(wallSpans.size() - 1)[1] = wallNanos.getAsLong();
      onResume.run();
    }
    source.requestKeyFrame(); // a picture that decodes from the first frame after the pause
    log.info("{}: resumed; {}", egressId, pauseSummary());
    publishNote();
    return true;
  }

  /** Leaves out, or records again; UNIMPLEMENTED for a source that cannot tell tracks apart. */
  void select(List<String> exclude, List<String> include) {
    TrackFilter next;
    synchronized (lock) {
      next = filter.exclude(exclude).include(include);
      filter = next;
    }
    if (!source.filter(next)) {
      throw new PsrpcException(PsrpcCode.UNIMPLEMENTED, "this egress cannot leave participants out; pause it instead");
    }
    log.info("{}: excluding {}, adding {}", egressId, next.excluded(), next.added());
    publishNote();
  }

  /** The paused spans, into the manifest. */
  void addTo(Manifest manifest) {
    synchronized (lock) {
      var spans = pauses.spans();
      for (int i = 0; i < wallSpans.size(); i++) {
        manifest.addPause(wallSpans.get(i)[0], wallSpans.get(i)[1], spans.get(i).mode().label());
      }
    }
  }

  /** The details' note: the pause in force or the pauses so far, and who is left out. */
  private void publishNote() {
    String note;
    synchronized (lock) {
      note = pauses.paused() ? "paused (" + pauses.mode().label() + ") since " + pausedSince()
          : pauses.spans().isEmpty() ? "" : pauseSummary();
      if (!filter.excluded().isEmpty()) {
        note = (note.isEmpty() ? "" : note + "; ") + "excluding " + String.join(", ", filter.excluded());
      }
      if (!filter.added().isEmpty()) {
        note = (note.isEmpty() ? "" : note + "; ") + "adding " + String.join(", ", filter.added());
      }
    }
    session.controlNote(note);
  }

  /** When the pause in force began, to the second. */
  private Instant pausedSince() {
    return Instant.ofEpochSecond(0, wallSpans.get(wallSpans.size() - 1)[0]).truncatedTo(ChronoUnit.SECONDS);
  }

  /** "paused 15.0 s in 1 span (cut)". */
  private String pauseSummary() {
    var spans = pauses.spans();
    double seconds = pauses.pausedSeconds(mediaNow.getAsDouble());
    String modes = spans.stream().map(s -> s.mode().label()).distinct().collect(Collectors.joining(", "));
    return String.format(Locale.ROOT, "paused %.1f s in %d span%s (%s)", seconds, spans.size(), spans.size() == 1 ? "" : "s",
        modes);
  }
}
