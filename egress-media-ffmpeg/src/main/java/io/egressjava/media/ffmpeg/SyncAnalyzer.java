package io.egressjava.media.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures audio/video sync of a recording of the test pattern (a white flash and a 1 kHz beep start
 * together once a second): flashes are found from each frame's mean luma, beeps from the 1 kHz
 * energy of the decoded audio, and every flash is paired with the nearest beep. Decoding is done by
 * the FFmpeg executable bundled with the same build, so the file is judged as a player would see it.
 *
 * <p>Run on any file: {@code java -cp … io.egressjava.media.ffmpeg.SyncAnalyzer out.mp4}.
 */
public final class SyncAnalyzer {
  private static final int RATE = 48_000;
  private static final int WINDOW = RATE / 200; // 5 ms
  private static final int HOP = RATE / 1000; // 1 ms
  private static final double FLASH_LUMA = 200;
  private static final double PAIR_LIMIT = 0.5;

  /** A flash and the offset (s) of the beep nearest to it (beep − flash). */
  public record Pair(double flash, double offset) {}

  /** Flash times, beep onsets (s) and the flash/beep pairs. */
  public record Result(List<Double> flashes, List<Double> beeps, List<Pair> pairs) {
    public List<Double> offsets() {
      return pairs.stream().map(Pair::offset).toList();
    }

    public double maxAbsOffset() {
      return pairs.stream().mapToDouble(p -> Math.abs(p.offset())).max().orElse(Double.NaN);
    }

    public double meanOffset() {
      return pairs.stream().mapToDouble(Pair::offset).average().orElse(Double.NaN);
    }

    /** Offsets of the pairs whose flash is at or after {@code from} seconds. */
    public List<Double> offsetsFrom(double from) {
      return pairs.stream().filter(p -> p.flash() >= from).map(Pair::offset).toList();
    }

    @Override
    public String toString() {
      return String.format("flashes=%d beeps=%d pairs=%d mean=%.1fms max|offset|=%.1fms", flashes.size(), beeps.size(),
          pairs.size(), meanOffset() * 1000, maxAbsOffset() * 1000);
    }
  }

  private SyncAnalyzer() {}

  public static Result analyze(Path file) throws IOException, InterruptedException {
    return analyze(file, null, 1000);
  }

  /**
   * @param crop the part of the picture that flashes, as FFmpeg's crop filter takes it (e.g.
   *     {@code iw/2:ih:0:0} for the left tile of a two-tile grid), or null for all of it
   * @param beepHz the beep's frequency (publishers in one room beep at different ones)
   */
  public static Result analyze(Path file, String crop, double beepHz) throws IOException, InterruptedException {
    List<Double> flashes = flashTimes(file, crop);
    List<Double> beeps = beepOnsets(file, beepHz);
    List<Pair> pairs = new ArrayList<>();
    for (double f : flashes) {
      Double b = nearest(beeps, f);
      if (b != null) {
        pairs.add(new Pair(f, b - f));
      }
    }
    return new Result(flashes, beeps, pairs);
  }

  private static Double nearest(List<Double> times, double t) {
    Double best = null;
    for (double x : times) {
      if (Math.abs(x - t) <= PAIR_LIMIT && (best == null || Math.abs(x - t) < Math.abs(best - t))) {
        best = x;
      }
    }
    return best;
  }

  /** Times of frames that turn white after a frame that was not. */
  static List<Double> flashTimes(Path file, String crop) throws IOException, InterruptedException {
    String filters = (crop == null ? "" : "crop=" + crop + ",")
        + "scale=64:36,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-";
    String out = new String(run(List.of("-v", "error", "-copyts", "-i", file.toString(),
        "-map", "0:v:0", "-vf", filters, "-f", "null", "-")));
    Matcher m = Pattern.compile("pts_time:(-?[0-9.]+)\\s+lavfi\\.signalstats\\.YAVG=([0-9.]+)").matcher(out);
    List<Double> flashes = new ArrayList<>();
    boolean white = false;
    while (m.find()) {
      boolean now = Double.parseDouble(m.group(2)) > FLASH_LUMA;
      if (now && !white) {
        flashes.add(Double.parseDouble(m.group(1)));
      }
      white = now;
    }
    return flashes;
  }

  /** Where the energy at {@code hz} rises through a quarter of its peak (window centre, 1 ms steps). */
  public static List<Double> beepOnsets(Path file, double hz) throws IOException, InterruptedException {
    return beeps(file, hz).stream().map(Beep::onset).toList();
  }

  /** One beep: its onset and how long it stays above a quarter of the peak (s). */
  public record Beep(double onset, double seconds) {}

  /** The beeps at {@code hz}: onsets as {@link #beepOnsets}, with their lengths. */
  public static List<Beep> beeps(Path file, double hz) throws IOException, InterruptedException {
    byte[] pcm = run(List.of("-v", "error", "-copyts", "-i", file.toString(),
        "-map", "0:a:0", "-af", "aresample=async=1:first_pts=0", "-ac", "1", "-ar", String.valueOf(RATE),
        "-f", "s16le", "-"));
    int n = pcm.length / 2;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
    }
    int steps = Math.max(0, (n - WINDOW) / HOP);
    double[] power = new double[steps];
    double peak = 0;
    for (int s = 0; s < steps; s++) {
      power[s] = goertzel(x, s * HOP, WINDOW, hz);
      peak = Math.max(peak, power[s]);
    }
    List<Beep> beeps = new ArrayList<>();
    boolean on = false;
    int onsetStep = 0;
    int lastLoud = 0;
    for (int s = 0; s < steps; s++) {
      boolean now = power[s] > peak / 4;
      if (now && !on) {
        onsetStep = s;
      }
      if (now) {
        lastLoud = s;
      }
      boolean stays = power[s] > peak / 16 && (on || now); // hysteresis: stay on until it falls well below
      if (on && !stays) {
        beeps.add(beep(onsetStep, lastLoud));
      }
      on = stays;
    }
    if (on) {
      beeps.add(beep(onsetStep, lastLoud));
    }
    return beeps;
  }

  private static Beep beep(int onsetStep, int lastLoudStep) {
    return new Beep((onsetStep * HOP + WINDOW / 2.0) / RATE, (double) (lastLoudStep - onsetStep + 1) * HOP / RATE);
  }

  static double goertzel(double[] x, int from, int length, double hz) {
    double k = 2 * Math.cos(2 * Math.PI * hz / RATE);
    double s1 = 0;
    double s2 = 0;
    for (int i = from; i < from + length; i++) {
      double s0 = x[i] + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - k * s1 * s2;
  }

  /** Runs the bundled ffmpeg with {@code args}; its stdout. */
  private static byte[] run(List<String> args) throws IOException, InterruptedException {
    Process p = Ffmpeg.toolProcess("ffmpeg", args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    if (p.waitFor() != 0) {
      throw new IOException("decoding failed: ffmpeg " + String.join(" ", args));
    }
    return out.toByteArray();
  }

  public static void main(String[] args) throws Exception {
    for (String a : args) {
      System.out.println(a + ": " + analyze(Path.of(a)));
    }
  }
}
