package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.core.plan.MediaCodec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingAndAudioDecodeTest {

  @Test
  void constantFrameRateRepeatsDropsAndFillsStalls() {
    ConstantFrameRate cfr = new ConstantFrameRate(30);
    int out = 0;
    for (int i = 0; i < 25; i++) { // 25 fps source for 1 s → 30 output frames
      out += cfr.framesFor(i / 25.0);
    }
    out += cfr.catchUp(1.0 - 1e-6);
    assertThat(out).isEqualTo(30);
    // the source stalls for 2 s: the last picture is repeated to keep time
    assertThat(cfr.catchUp(3.0 - 1e-6)).isEqualTo(60);
    // a 60 fps burst: half the frames are dropped
    int burst = 0;
    for (int i = 0; i < 60; i++) {
      burst += cfr.framesFor(3.0 + i / 60.0);
    }
    assertThat(burst).isEqualTo(30);
  }

  @Test
  void opusDecodesToFortyEightKilohertzStereo() {
    List<byte[]> packets = new ArrayList<>();
    try (AudioEncoder enc = new AudioEncoder(MediaCodec.OPUS, 64, 48_000, false)) {
      for (int i = 0; i < 50; i++) {
        enc.encode(TestMedia.tone(i * 960L, 960, 440), 960 * 4, p -> {
          byte[] b = new byte[p.size()];
          p.data().get(b);
          packets.add(b);
        });
      }
    }
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    try (AudioDecoder dec = new AudioDecoder(MediaCodec.OPUS, 2)) {
      packets.forEach(p -> dec.decode(p, (b, n) -> pcm.write(b, 0, n)));
    }
    byte[] out = pcm.toByteArray();
    assertThat(out.length / 4).isCloseTo(50 * 960, within(960 * 2));
    double energy = CompositeBuildingBlocksTest.goertzel(out, out.length, 440);
    assertThat(energy).isGreaterThan(2000); // the 440 Hz tone survives the round trip
  }
}
