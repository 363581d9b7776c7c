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

/** A recording process killed with SIGKILL leaves an MP4 that plays up to its last fragment. */
class CrashSafeMp4Test {

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
  }
}
