package io.egressjava.media.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Content checks with the ffprobe/ffmpeg executables bundled with the same FFmpeg build. */
public final class Probe {
  private Probe() {}

  /** Runs a bundled tool; stdout and stderr together (volumedetect reports on stderr). */
  public static String run(List<String> command) throws IOException, InterruptedException {
    return run(command, true);
  }

  /** Runs a bundled tool; with {@code withStderr} false, decoder complaints are dropped from the output. */
  public static String run(List<String> command, boolean withStderr) throws IOException, InterruptedException {
    String tool = Path.of(command.get(0)).getFileName().toString();
    ProcessBuilder pb = Ffmpeg.toolProcess(tool, command.subList(1, command.size()));
    if (withStderr) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  /** ffprobe's format and streams as JSON. */
  public static JsonNode info(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), "-v", "error", "-show_format", "-show_streams",
        "-of", "json", file.toString()), false);
    return new ObjectMapper().readTree(out);
  }

  public static JsonNode stream(JsonNode info, String type) {
    for (JsonNode s : info.get("streams")) {
      if (s.get("codec_type").asText().equals(type)) {
        return s;
      }
    }
    return null;
  }

  /** Presentation times (s) of video key frames. */
  public static List<Double> keyFrameTimes(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), "-v", "error", "-select_streams", "v:0",
        "-skip_frame", "nokey", "-show_entries", "frame=pts_time", "-of", "csv=p=0", file.toString()), false);
    List<Double> times = new ArrayList<>();
    for (String line : out.split("\\R")) {
      if (!line.isBlank()) {
        times.add(Double.parseDouble(line.trim().replace(",", "")));
      }
    }
    return times;
  }

  /** Each stream's packet decode times (s), in file order, keyed by stream index. */
  public static java.util.Map<Integer, List<Double>> packetDecodeTimes(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), "-v", "error", "-show_entries", "packet=stream_index,dts_time",
        "-of", "csv=p=0", file.toString()), false);
    java.util.Map<Integer, List<Double>> times = new java.util.TreeMap<>();
    for (String line : out.split("\\R")) {
      String[] f = line.trim().split(",");
      if (f.length >= 2 && !f[1].isBlank() && !f[1].equals("N/A")) {
        times.computeIfAbsent(Integer.parseInt(f[0]), k -> new ArrayList<>()).add(Double.parseDouble(f[1]));
      }
    }
    return times;
  }

  /**
   * How many container headers a file holds: top-level {@code moov} boxes of an MP4, Opus/Vorbis
   * identification headers of an OGG, EBML headers of a WebM. A recording joined from two would have two.
   */
  public static int containerHeaders(Path file) throws IOException {
    byte[] b = java.nio.file.Files.readAllBytes(file);
    String name = file.getFileName().toString();
    if (name.endsWith(".mp4") || name.endsWith(".m4a")) {
      int count = 0;
      long at = 0;
      while (at + 8 <= b.length) {
        long size = ((b[(int) at] & 0xFFL) << 24) | ((b[(int) at + 1] & 0xFFL) << 16) | ((b[(int) at + 2] & 0xFFL) << 8) | (b[(int) at + 3] & 0xFFL);
        String type = new String(b, (int) at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (type.equals("moov")) {
          count++;
        }
        if (size == 1 && at + 16 <= b.length) {
          size = java.nio.ByteBuffer.wrap(b, (int) at + 8, 8).getLong();
        } else if (size == 0) {
          size = b.length - at;
        }
        if (size < 8) {
          throw new IOException("broken box at " + at + " in " + file);
        }
        at += size;
      }
      return count;
    }
    byte[] magic = name.endsWith(".ogg") || name.endsWith(".opus") ? "OpusHead".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)
        : new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
    int count = 0;
    outer:
    for (int i = 0; i + magic.length <= b.length; i++) {
      for (int j = 0; j < magic.length; j++) {
        if (b[i + j] != magic[j]) {
          continue outer;
        }
      }
      count++;
    }
    return count;
  }

  /** Frames that decode without error, by fully decoding the file. */
  public static int decodedVideoFrames(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffprobe").toString(), "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString()), false);
    return Integer.parseInt(out.trim().split("\\R")[0].replace(",", ""));
  }

  /** Mean volume (dB) of the first audio stream, decoded by ffmpeg's volumedetect. */
  public static double meanVolumeDb(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-nostats", "-i", file.toString(), "-map", "0:a:0",
        "-af", "volumedetect", "-f", "null", "-"));
    Matcher m = Pattern.compile("mean_volume: (-?[0-9.]+|-inf) dB").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no volumedetect output: " + out);
    }
    return m.group(1).equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(1));
  }

  /** A hash of every decoded video frame, in order (identical pictures hash alike). */
  public static List<String> frameHashes(Path file) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", file.toString(), "-map", "0:v:0",
        "-f", "framemd5", "-"), false);
    List<String> hashes = new ArrayList<>();
    for (String line : out.split("\\R")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] cols = line.split(",");
        hashes.add(cols[cols.length - 1].trim());
      }
    }
    return hashes;
  }

  /** How many frames at the start repeat the first one (0: the second frame already differs). */
  public static int frozenLeadIn(List<String> hashes) {
    int n = 0;
    while (n + 1 < hashes.size() && hashes.get(n + 1).equals(hashes.get(0))) {
      n++;
    }
    return n;
  }

  /** Frames that repeat the frame before them. */
  public static int repeatedFrames(List<String> hashes) {
    int n = 0;
    for (int i = 1; i < hashes.size(); i++) {
      if (hashes.get(i).equals(hashes.get(i - 1))) {
        n++;
      }
    }
    return n;
  }

  /** A decoded picture's time and its mean luma (0–255). */
  public record Luma(double seconds, double mean) {}

  /** The mean luma of every picture, in order, at its presentation time. */
  public static List<Luma> lumaPerFrame(Path file) throws Exception {
    return lumaPerFrame(file, null);
  }

  /** As {@link #lumaPerFrame(Path)} over a part of the picture ({@code crop} as FFmpeg's crop filter takes it). */
  public static List<Luma> lumaPerFrame(Path file, String crop) throws Exception {
    return planePerFrame(file, crop, "YAVG");
  }

  /** Per picture, a mean of signalstats ({@code YAVG}, {@code UAVG}, {@code VAVG}) over {@code crop} (null: all). */
  public static List<Luma> planePerFrame(Path file, String crop, String stat) throws Exception {
    String out = run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-i", file.toString(), "-map", "0:v:0",
        "-vf", (crop == null ? "" : "crop=" + crop + ",") + "scale=64:36,signalstats,metadata=print:key=lavfi.signalstats." + stat
        + ":file=-", "-f", "null", "-"), false);
    Matcher m = Pattern.compile("pts_time:(-?[0-9.]+)\\s+lavfi\\.signalstats\\." + stat + "=([0-9.]+)").matcher(out);
    List<Luma> frames = new ArrayList<>();
    while (m.find()) {
      frames.add(new Luma(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
    }
    return frames;
  }

  /** Loudest sample (dBFS) of the first audio stream from {@code from} for {@code seconds}. */
  public static double maxVolumeDb(Path file, double from, double seconds) throws Exception {
    return maxVolumeDb(file, from, seconds, 0);
  }

  /** As {@link #maxVolumeDb(Path, double, double)}, of the sound around {@code hz} only (0: all of it). */
  public static double maxVolumeDb(Path file, double from, double seconds, double hz) throws Exception {
    String filters = (hz > 0 ? "bandpass=f=" + hz + ":width_type=h:w=" + Math.max(40, hz / 10) + "," : "") + "volumedetect";
    String out = run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-nostats", "-ss", Double.toString(from), "-t",
        Double.toString(seconds), "-i", file.toString(), "-map", "0:a:0", "-af", filters, "-f", "null", "-"));
    Matcher m = Pattern.compile("max_volume: (-?[0-9.]+|-inf) dB").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no volumedetect output: " + out);
    }
    return m.group(1).equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(1));
  }

  /**
   * Mean volume (dBFS) of the sound near {@code hz} (three narrow band-passes) from {@code from} for
   * {@code seconds}: one publisher's tone in a mix of several.
   */
  public static double meanVolumeDbAt(Path file, double from, double seconds, double hz) throws Exception {
    String band = "bandpass=f=" + hz + ":width_type=h:w=40";
    String out = run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-nostats", "-ss", Double.toString(from), "-t",
        Double.toString(seconds), "-i", file.toString(), "-map", "0:a:0", "-af", band + "," + band + "," + band + ",volumedetect",
        "-f", "null", "-"));
    Matcher m = Pattern.compile("mean_volume: (-?[0-9.]+|-inf) dB").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no volumedetect output: " + out);
    }
    return m.group(1).equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(1));
  }
}
