package io.egressjava.bench;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the benchmark input: I420 1280×720 30 fps video with moving content and a little noise,
 * and interleaved s16le 48 kHz stereo with a 440 Hz tone. Arguments: seconds, video file, audio file.
 */
public final class MakeRawInput {
  static final int W = 1280;
  static final int H = 720;
  static final int FPS = 30;

  private MakeRawInput() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    long seed = 42;
    try (OutputStream video = new BufferedOutputStream(Files.newOutputStream(Path.of(args[1])), 1 << 20)) {
      byte[] y = new byte[W * H];
      byte[] c = new byte[W * H / 4];
      for (int i = 0; i < seconds * FPS; i++) {
        for (int row = 0; row < H; row++) {
          for (int x = 0; x < W; x++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            y[row * W + x] = (byte) ((((x + i * 8) / 16) * 16 + ((row / 8) % 2) * 40 + (int) (seed >>> 62)) & 0xFF);
          }
        }
        video.write(y);
        java.util.Arrays.fill(c, (byte) (128 + i % 60));
        video.write(c);
        java.util.Arrays.fill(c, (byte) (128 - i % 60));
        video.write(c);
      }
    }
    try (OutputStream audio = new BufferedOutputStream(Files.newOutputStream(Path.of(args[2])), 1 << 20)) {
      byte[] frame = new byte[4];
      for (long s = 0; s < seconds * 48_000L; s++) {
        short v = (short) (Math.sin(2 * Math.PI * 440 * s / 48_000.0) * 12_000);
        frame[0] = (byte) v;
        frame[1] = (byte) (v >> 8);
        frame[2] = (byte) v;
        frame[3] = (byte) (v >> 8);
        audio.write(frame);
      }
    }
  }
}
