package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncAnalyzerTest {

  /** 48 kHz mono s16 WAV: 1 kHz between each pair of {@code spans} (seconds), silence elsewhere. */
  private static Path tones(Path file, double seconds, double[][] spans) throws Exception {
    int n = (int) (seconds * 48_000);
    ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      double t = i / 48_000.0;
      boolean on = false;
      for (double[] s : spans) {
        on |= t >= s[0] && t < s[1];
      }
      pcm.putShort((short) (on ? 12_000 * Math.sin(2 * Math.PI * 1000 * t) : 0));
    }
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
        .putShort((short) 1).putShort((short) 1).putInt(48_000).putInt(96_000).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes()).putInt(n * 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(h.array());
    out.write(pcm.array());
    Files.write(file, out.toByteArray());
    return file;
  }

  @Test
  void beepsHaveTheirOnsetsAndLengthsSoABeepCutAtItsStartIsSeen(@TempDir Path tmp) throws Exception {
    Path wav = tones(tmp.resolve("beeps.wav"), 3.6, new double[][] {{0.30, 0.34}, {1.24, 1.34}, {2.24, 2.34}, {3.24, 3.34}});
    List<SyncAnalyzer.Beep> beeps = SyncAnalyzer.beeps(wav, 1000);
    assertThat(beeps).hasSize(4);
    assertThat(beeps.get(0).onset()).isCloseTo(0.30, within(0.005));
    assertThat(beeps.get(0).seconds()).as("the cut one").isCloseTo(0.040, within(0.006));
    for (int i = 1; i < 4; i++) {
      assertThat(beeps.get(i).onset()).isCloseTo(0.24 + i, within(0.005));
      assertThat(beeps.get(i).seconds()).isCloseTo(0.100, within(0.006));
    }
    assertThat(SyncAnalyzer.beepOnsets(wav, 1000)).containsExactlyElementsOf(beeps.stream().map(SyncAnalyzer.Beep::onset).toList());
  }
}
