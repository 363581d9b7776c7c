package io.egressjava.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.core.plan.Encoding;
import io.egressjava.core.plan.MediaCodec;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/** Decode → scale/letterbox, and the audio mixer, checked on pixel and sample values. */
class CompositeBuildingBlocksTest {

  static int luma(AVFrame f, int x, int y) {
    return f.data(0).get((long) y * f.linesize(0) + x) & 0xFF;
  }

  /** Encodes frames of one flat gray level and returns the H.264 access units. */
  static List<byte[]> encodeFlat(int w, int h, int frames, int gray) {
    List<byte[]> out = new ArrayList<>();
    try (VideoEncoder enc = new VideoEncoder(new Encoding(w, h, 24, 30, 1000, 1, "main", 128, 44100), false, false)) {
      for (int i = 0; i < frames; i++) {
        AVFrame f = enc.writableFrame();
        f.data(0).position(0).limit((long) f.linesize(0) * h).fill(gray);
        f.data(1).position(0).limit((long) f.linesize(1) * h / 2).fill(128);
        f.data(2).position(0).limit((long) f.linesize(2) * h / 2).fill(128);
        enc.encode(p -> {
          byte[] b = new byte[p.size()];
          p.data().get(b);
          out.add(b);
        });
      }
      enc.flush(p -> {
        byte[] b = new byte[p.size()];
        p.data().get(b);
        out.add(b);
      });
    }
    return out;
  }

  @Test
  void decodeAndPillarboxAFourByThreePicture() {
    List<byte[]> units = encodeFlat(640, 480, 10, 200);
    int[] decoded = {0};
    try (VideoDecoder dec = new VideoDecoder(MediaCodec.H264); VideoScaler scaler = new VideoScaler(1280, 720)) {
      for (int i = 0; i < units.size(); i++) {
        dec.decode(units.get(i), i, frame -> {
          decoded[0]++;
          assertThat(frame.width()).isEqualTo(640);
          AVFrame out = scaler.fit(frame);
          assertThat(out.width()).isEqualTo(1280);
          // 4:3 in 16:9 → 960×720 in the middle, black bars of 160 px left and right
          assertThat(luma(out, 640, 360)).isCloseTo(200, within(4));
          assertThat(luma(out, 170, 360)).isCloseTo(200, within(4));
          assertThat(luma(out, 100, 360)).isEqualTo(16);
          assertThat(luma(out, 1200, 360)).isEqualTo(16);
        });
      }
      dec.flush(frame -> decoded[0]++);
    }
    assertThat(decoded[0]).isEqualTo(10);
  }

  static double goertzel(byte[] pcm, int bytes, double hz) {
    int n = bytes / 4;
    double k = 2 * Math.cos(2 * Math.PI * hz / 48_000);
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      short left = (short) ((pcm[4 * i] & 0xFF) | (pcm[4 * i + 1] << 8));
      double s = left + k * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    return Math.sqrt(s1 * s1 + s2 * s2 - k * s1 * s2) / n;
  }

  @Test
  void mixerSumsInputsFillsSilenceAndSaturates() {
    AudioMixer mixer = new AudioMixer();
    mixer.addInput("alice");
    mixer.addInput("bob");
    mixer.write("alice", 0, TestMedia.tone(0, 4800, 440), 4800 * 4);
    mixer.write("bob", 0, TestMedia.tone(0, 2400, 1000), 2400 * 4); // bob stalls after 50 ms
    byte[] out = new byte[4800 * 4];
    int n = mixer.mix(4800, out);
    assertThat(n).isEqualTo(out.length);
    byte[] firstHalf = java.util.Arrays.copyOf(out, 2400 * 4);
    byte[] secondHalf = java.util.Arrays.copyOfRange(out, 2400 * 4, out.length);
    assertThat(goertzel(firstHalf, firstHalf.length, 440)).isGreaterThan(1000);
    assertThat(goertzel(firstHalf, firstHalf.length, 1000)).isGreaterThan(1000);
    assertThat(goertzel(secondHalf, secondHalf.length, 440)).isGreaterThan(1000);
    assertThat(goertzel(secondHalf, secondHalf.length, 1000)).isLessThan(100); // silence filled in

    // a departed input leaves nothing behind; loud inputs saturate instead of wrapping
    mixer.removeInput("bob");
    mixer.addInput("loud");
    byte[] max = new byte[960 * 4];
    for (int i = 0; i < max.length; i += 2) {
      max[i] = (byte) 0xFF;
      max[i + 1] = (byte) 0x7F;
    }
    mixer.write("alice", 4800, max, max.length);
    mixer.write("loud", 4800, max, max.length);
    mixer.mix(960, out);
    assertThat((short) ((out[0] & 0xFF) | (out[1] << 8))).isEqualTo(Short.MAX_VALUE);
    assertThat(mixer.inputCount()).isEqualTo(2);
  }

  /**
   * Sound is mixed where it belongs: an input that delivers a second of backlog at once is not
   * delayed by it, sound that comes after its time was mixed is dropped, and an input's sound written
   * twice for the same time is not doubled.
   */
  @Test
  void mixerPlacesEachInputByPosition() {
    AudioMixer mixer = new AudioMixer();
    mixer.addInput("burst");
    mixer.addInput("late");
    // "burst" hands over 100 ms at once, placed from 50 ms on; nothing before it
    mixer.write("burst", 2400, TestMedia.tone(0, 4800, 1000), 4800 * 4);
    byte[] out = new byte[2400 * 4];
    mixer.mix(2400, out);
    assertThat(goertzel(out, out.length, 1000)).isLessThan(100); // 0..50 ms: not there yet
    mixer.mix(2400, out);
    assertThat(goertzel(out, out.length, 1000)).isGreaterThan(1000); // 50..100 ms: at its place

    // "late" brings sound for 0..100 ms after 100 ms were mixed: dropped, not played now
    mixer.write("late", 0, TestMedia.tone(0, 4800, 440), 4800 * 4);
    mixer.mix(2400, out);
    assertThat(goertzel(out, out.length, 440)).isLessThan(100);
    assertThat(goertzel(out, out.length, 1000)).isGreaterThan(1000); // burst's last 50 ms

    // the same time written twice (a clock moved back a little) plays once, at full level only
    mixer.write("late", 7200, TestMedia.tone(0, 2400, 440), 2400 * 4);
    mixer.write("late", 7200, TestMedia.tone(0, 2400, 440), 2400 * 4);
    mixer.mix(2400, out);
    byte[] once = TestMedia.tone(0, 2400, 440);
    assertThat(goertzel(out, out.length, 440)).isCloseTo(goertzel(once, once.length, 440),
        org.assertj.core.api.Assertions.within(goertzel(once, once.length, 440) * 0.01));
    assertThat(mixer.position()).isEqualTo(9600);
    assertThat(mixer.droppedLate()).as("late's 0..100 ms, of which 50 ms were before the mix").isEqualTo(4800);
    assertThat(mixer.lateSummary()).isEqualTo("1 writes, first from late at 0.000 s with the mix at 0.100 s");
  }

  /** How far every input's sound has come: the earliest end, none while an input has written nothing. */
  @Test
  void mixerKnowsWhereEveryInputHasBeenHeardUntil() {
    AudioMixer mixer = new AudioMixer();
    mixer.addInput("a");
    mixer.addInput("b");
    assertThat(mixer.heardUntil()).isEqualTo(Long.MIN_VALUE);
    mixer.write("a", 0, TestMedia.tone(0, 4800, 440), 4800 * 4);
    assertThat(mixer.heardUntil()).as("b has written nothing").isEqualTo(Long.MIN_VALUE);
    mixer.write("b", 960, TestMedia.tone(0, 960, 440), 960 * 4);
    assertThat(mixer.heardUntil()).isEqualTo(1920);
    mixer.removeInput("b");
    assertThat(mixer.heardUntil()).isEqualTo(4800);
    assertThat(mixer.writtenUntil()).isEqualTo(4800);
    mixer.addInput("c");
    mixer.write("c", -960, TestMedia.tone(0, 960, 440), 960 * 4);
    assertThat(mixer.droppedLate()).as("sound from before the recording began is not late").isZero();
  }
}
