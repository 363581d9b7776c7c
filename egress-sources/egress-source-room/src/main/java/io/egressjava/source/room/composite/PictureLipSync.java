package io.egressjava.source.room.composite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much later each participant's sound is mixed in a native composite, so it plays with the
 * picture of the same moment as the publisher's own clock says (its sender reports), as a WebRTC
 * receiver lines them up: the time the picture of an instant is composed, minus the time the mix
 * places its sound. The two come through different subscriptions and are placed by their own
 * arrivals, which assumes both paths equally fast; the reports do not. Until both tracks have had a
 * report, or where the reports disagree wildly with the arrival times, the fixed delay of
 * arrival-based placement is used. (With the Python SDK's publishers on one machine the two differ
 * by 2–6 ms; the flash/beep offsets that remain, +3 to +37 ms at 25 pictures a second, do not come
 * from the two paths.)
 */
final class PictureLipSync implements ToDoubleFunction<String> {
  private static final Logger log = LoggerFactory.getLogger(PictureLipSync.class);
  /** Reports come every few seconds; between them the answer stands. */
  private static final long RECOMPUTE_NANOS = 500_000_000L;
  /**
   * Reports that put the sound further than this from where arrival times put it are not followed:
   * they do not describe the media (a sender whose clock jumped), and a wrong delay is heard.
   */
  static final double MAX_DEVIATION_SECONDS = 0.15;

  private record Known(double seconds, boolean fromReports, long atNanos) {}

  private final ToDoubleFunction<String> shownAfterSender;
  private final ToDoubleFunction<String> mixedAfterSender;
  private final double composing;
  private final double fallback;
  private final LongSupplier clock;
  private final String egressId;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /**
   * @param shownAfterSender by identity: the picture's show time minus publisher time (NaN unknown)
   * @param mixedAfterSender by identity: the sound's mix time minus publisher time, undelayed
   * @param composing how long a picture due waits for its composition, on average
   * @param fallback the delay without reports
   */
  PictureLipSync(ToDoubleFunction<String> shownAfterSender, ToDoubleFunction<String> mixedAfterSender, double composing,
      double fallback, LongSupplier clock, String egressId) {
    this.shownAfterSender = shownAfterSender;
    this.mixedAfterSender = mixedAfterSender;
    this.composing = composing;
    this.fallback = fallback;
    this.clock = clock;
    this.egressId = egressId;
  }

  @Override
  public double applyAsDouble(String identity) {
    long now = clock.getAsLong();
    Known k = known.get(identity);
    if (k != null && now - k.atNanos() < RECOMPUTE_NANOS) {
      return k.seconds();
    }
    double shown = shownAfterSender.applyAsDouble(identity);
    double mixed = mixedAfterSender.applyAsDouble(identity);
    double d = shown - mixed + composing;
    // sound can only wait: a picture later than its sound (never seen) gets the sound at once
    double seconds = Double.isNaN(d) || Math.abs(d - fallback) > MAX_DEVIATION_SECONDS ? fallback : Math.max(0, d);
    boolean fromReports = !Double.isNaN(d);
    if (k == null || k.fromReports() != fromReports || Math.abs(k.seconds() - seconds) >= 0.005) {
      log.info("{}: sound of {} mixed {} ms later{}", egressId, identity, Math.round(seconds * 1000), !fromReports
          ? " (no sender reports of both tracks yet)"
          : String.format(java.util.Locale.ROOT, " (sender reports: the picture of a moment composed %+.3f s after its sound)",
              shown - mixed));
    }
    known.put(identity, new Known(seconds, fromReports, now));
    return seconds;
  }
}
