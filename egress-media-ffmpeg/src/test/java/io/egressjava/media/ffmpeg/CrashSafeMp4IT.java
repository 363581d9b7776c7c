package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording process killed with SIGKILL leaves an MP4 that plays up to its last fragment, and
 * that {@link Remux} turns into a regular one without losing a frame.
 */
class CrashSafeMp4IT {

  @Test
  void killNineLeavesAPlayableFile(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("killed.mp4");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        RecordUntilKilledMain.class.getName(), file.toString())).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    int encoded = 0;
    for (String line; (line = out.readLine()) != null; ) {
      encoded = Integer.parseInt(line.substring("frames ".length()));
      if (encoded >= 4 * 30) {
        break;
      }
    }
    p.destroyForcibly(); // SIGKILL: no trailer, no fast-start pass
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(137);

    JsonNode info = Probe.info(file);
    assertThat(Probe.stream(info, "video").get("codec_name").asText()).isEqualTo("h264");
    assertThat(Probe.stream(info, "audio").get("codec_name").asText()).isEqualTo("aac");
    int frames = Probe.decodedVideoFrames(file);
    System.out.println("killed after " + encoded + " encoded frames; " + frames + " decode from the file");
    // fragments close at each key frame (every second): at most about a second is lost
    assertThat(frames).isBetween(encoded - 40, encoded + 30);
    assertThat(Probe.meanVolumeDb(file)).isGreaterThan(-20);

    // finalized as the service does after a crash: a regular MP4, index first, nothing lost
    Remux.rewrite(file, "mp4", null);
    assertThat(topLevelBoxes(file)).startsWith("ftyp", "moov").doesNotContain("moof");
    assertThat(Probe.decodedVideoFrames(file)).isEqualTo(frames);
    double seconds = Probe.info(file).get("format").get("duration").asDouble();
    assertThat(seconds).as("duration of the finalized file").isBetween((frames - 2) / 30.0, (frames + 10) / 30.0);
  }

  /** The types of an MP4's top-level boxes, in file order. */
  private static List<String> topLevelBoxes(Path file) throws java.io.IOException {
    List<String> types = new java.util.ArrayList<>();
    try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
      while (true) {
        long size;
        try {
          size = in.readInt() & 0xFFFFFFFFL;
        } catch (java.io.EOFException e) {
          return types;
        }
        byte[] type = new byte[4];
        in.readFully(type);
        types.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
        long header = 8;
        if (size == 1) {
          size = in.readLong();
          header = 16;
        }
        in.skipNBytes(size - header);
      }
    }
  }
}
