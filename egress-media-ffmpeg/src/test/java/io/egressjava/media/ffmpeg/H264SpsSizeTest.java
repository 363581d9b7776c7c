package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.media.H264SpsSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes read from SPSs the ffmpeg CLI's encoder wrote, including cropped heights (360 is not a multiple of 16). */
class H264SpsSizeTest {

  @ParameterizedTest
  @CsvSource({"640,360", "1280,720", "176,144", "1920,1080"})
  void readsThePictureSize(int width, int height, @TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("v.h264");
    Probe.run(List.of(Ffmpeg.bundledTool("ffmpeg").toString(), "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=s=" + width + "x" + height + ":r=30", "-frames:v", "1", "-c:v", "libopenh264", "-f", "h264", file.toString()));
    assertThat(H264SpsSize.of(Files.readAllBytes(file))).containsExactly(width, height);
  }

  @ParameterizedTest
  @CsvSource({"'0,0,0,1,65,1,2,3'", "'0,0,0,1,103'"})
  void noOrBrokenSpsGivesNull(String bytes) {
    String[] parts = bytes.split(",");
    byte[] b = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      b[i] = (byte) Integer.parseInt(parts[i]);
    }
    assertThat(H264SpsSize.of(b)).isNull();
  }
}
