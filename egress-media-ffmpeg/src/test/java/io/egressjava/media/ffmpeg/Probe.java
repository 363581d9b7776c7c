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
}
