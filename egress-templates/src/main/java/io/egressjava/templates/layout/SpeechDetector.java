package io.egressjava.templates.layout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is speaking, from the sound the egress decodes itself: per participant a level that rises
 * within one 20 ms packet and falls over {@link #DECAY_NANOS}; one whose level was above
 * {@link #SPEECH_RMS} within the last {@link #HANG_NANOS} speaks (the hang bridges the pauses
 * between words). livekit-server's own speaker updates come every 400 ms from levels smoothed over
 * them, and say nothing of who already spoke when the egress joined; this reacts within a packet.
 * Not thread-safe.
 */
public final class SpeechDetector {
  /** RMS of full scale (1.0) above which a packet is speech: −45 dBFS, above a muted or suppressed microphone's hiss. */
  public static final double SPEECH_RMS = 0.0056;
  /** How long one stays speaking after the last loud packet. */
  public static final long HANG_NANOS = 250_000_000L;
  /** The level's fall time constant: who is loudest follows the voices, not each packet. */
  static final long DECAY_NANOS = 150_000_000L;

  private static final class Voice {
    double level;
    long levelAt;
    long loudAt = Long.MIN_VALUE;
  }

  private final Map<String, Voice> voices = new HashMap<>();

  /** A packet of {@code identity}'s sound with {@code rms} (0..1 of full scale), decoded at {@code nowNanos}. */
  public void heard(String identity, double rms, long nowNanos) {
    Voice v = voices.computeIfAbsent(identity, id -> new Voice());
    double decayed = decayed(v, nowNanos);
    v.level = Math.max(rms, decayed);
    v.levelAt = nowNanos;
    if (rms >= SPEECH_RMS) {
      v.loudAt = nowNanos;
    }
  }

  /** Who speaks at {@code nowNanos}, loudest first. */
  public List<String> speakers(long nowNanos) {
    List<Map.Entry<String, Voice>> speaking = new ArrayList<>();
    for (Map.Entry<String, Voice> e : voices.entrySet()) {
      if (e.getValue().loudAt != Long.MIN_VALUE && nowNanos - e.getValue().loudAt <= HANG_NANOS) {
        speaking.add(e);
      }
    }
    speaking.sort((a, b) -> Double.compare(decayed(b.getValue(), nowNanos), decayed(a.getValue(), nowNanos)));
    List<String> out = new ArrayList<>(speaking.size());
    speaking.forEach(e -> out.add(e.getKey()));
    return out;
  }

  private static double decayed(Voice v, long nowNanos) {
    return v.level * Math.exp(-Math.max(0, nowNanos - v.levelAt) / (double) DECAY_NANOS);
  }

  /** The RMS (0..1 of full scale) of s16le samples. */
  public static double rms(byte[] pcm, int length) {
    int samples = length / 2;
    if (samples == 0) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i + 1 < length; i += 2) {
      int s = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
      sum += (double) s * s;
    }
    return Math.sqrt(sum / samples) / 32768.0;
  }
}
