package io.egressjava.source.browser;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much later than its arrival each participant's sound goes into a room composite, so that it
 * meets that participant's picture as captured from the screen: the page's measured
 * arrival-to-screen delay of the pictures (VIDEO_DELAY) plus what the screen capture adds. A
 * participant without a picture gets the others' typical delay, so conversation keeps its timing.
 * Changes are followed in small steps, each glided into that participant's sound by a slight change of pace.
 */
public final class ScreenDelays {
  /** Before any report: Chrome's usual arrival-to-screen time on an idle machine. */
  static final double DEFAULT_SECONDS = 0.040;
  /**
   * From "shown" to captured: the capture grabs the screen at its own frame rate, half a frame
   * (30 fps) after the picture on average.
   */
  static final double CAPTURE_SECONDS = 0.017;
  /** Larger moves than this per report (every second) are taken in steps. */
  static final double MAX_STEP_SECONDS = 0.010;
  /** Smaller changes than this are jitter of the measurement and are not followed. */
  static final double DEADBAND_SECONDS = 0.004;

  private final Map<String, Double> seconds = new ConcurrentHashMap<>();

  /** A VIDEO_DELAY report: per identity, the pictures' arrival-to-screen delay (ms). */
  public void report(Map<String, Double> millisByIdentity) {
    millisByIdentity.forEach((identity, ms) -> {
      if (ms == null || ms.isNaN() || ms < 0 || ms > 5_000) {
        return;
      }
      double target = ms / 1000 + CAPTURE_SECONDS;
      seconds.merge(identity, target, (current, wanted) -> {
        double change = wanted - current;
        if (Math.abs(change) < DEADBAND_SECONDS) {
          return current;
        }
        return current + Math.max(-MAX_STEP_SECONDS, Math.min(MAX_STEP_SECONDS, change));
      });
    });
  }

  /** How late to place this participant's sound (seconds). */
  public double seconds(String identity) {
    Double own = seconds.get(identity);
    if (own != null) {
      return own;
    }
    return seconds.values().stream().mapToDouble(Double::doubleValue).average().orElse(DEFAULT_SECONDS + CAPTURE_SECONDS);
  }
}
