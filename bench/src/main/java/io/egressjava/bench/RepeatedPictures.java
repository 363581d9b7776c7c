package io.egressjava.bench;

import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.templates.layout.Box;
import io.egressjava.templates.layout.BuiltInLayouts;
import io.egressjava.templates.layout.Tile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many of a composite's pictures repeat the one before, per tile of its grid: a tile whose
 * publisher sends moving pictures at the output rate should change every frame, so a picture equal
 * to the one before means the composite had no new one for it (late, lost or dropped).
 */
final class RepeatedPictures {
  /** Where the count starts: past the first pictures and key frames. */
  private static final double SKIP_SECONDS = 3;
  /** Mean luma difference to the picture before below which it counts as the same picture. */
  private static final double SAME = 0.25;

  private RepeatedPictures() {}

  static void print(Path file, int tiles, int width, int height) throws IOException, InterruptedException {
    List<Tile> list = new ArrayList<>();
    for (int i = 0; i < tiles; i++) {
      list.add(new Tile("p" + (i + 1), "p" + (i + 1), false, i));
    }
    Map<String, Box> boxes = BuiltInLayouts.arrange("grid", list, List.of(), width, height);
    long worstRepeated = 0;
    long worstOf = 1;
    for (var e : boxes.entrySet()) {
      Box b = e.getValue();
      long[] counts = count(file, b);
      System.out.printf("  tile %s %s: %d of %d pictures repeat the one before (%.2f %%)%n", e.getKey(), b, counts[0],
          counts[1], 100.0 * counts[0] / Math.max(1, counts[1]));
      if (counts[0] * worstOf > worstRepeated * counts[1]) {
        worstRepeated = counts[0];
        worstOf = counts[1];
      }
    }
    System.out.printf("  repeated pictures, worst tile: %.2f %% (goal <= 1 %%)%n", 100.0 * worstRepeated / Math.max(1, worstOf));
  }

  /** {repeated, pictures} in the box from SKIP_SECONDS on. */
  private static long[] count(Path file, Box b) throws IOException, InterruptedException {
    Process p = Ffmpeg.toolProcess("ffmpeg", List.of("-v", "error", "-ss", String.valueOf(SKIP_SECONDS), "-i", file.toString(),
        "-map", "0:v:0", "-vf", String.format("crop=%d:%d:%d:%d,tblend=all_mode=difference,signalstats,"
            + "metadata=print:key=lavfi.signalstats.YAVG:file=-", b.w(), b.h(), b.x(), b.y()), "-f", "null", "-"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = Pattern.compile("YAVG=([0-9.]+)").matcher(out);
    long repeated = 0;
    long all = 0;
    while (m.find()) {
      all++;
      if (Double.parseDouble(m.group(1)) < SAME) {
        repeated++;
      }
    }
    return new long[] {repeated, all};
  }
}
