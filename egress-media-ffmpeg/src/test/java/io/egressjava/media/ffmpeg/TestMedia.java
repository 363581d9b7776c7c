package io.egressjava.media.ffmpeg;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/** Synthetic media: moving luma pattern with noise (so it costs bits like real video) and a sine tone. */
public final class TestMedia {
  private TestMedia() {}

  private static long seed = 42;

  public static void fillFrame(AVFrame frame, int index) {
    int w = frame.width();
    int h = frame.height();
    int ls = frame.linesize(0);
    byte[] y = new byte[ls * h];
    for (int row = 0; row < h; row++) {
      for (int x = 0; x < w; x++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        int noise = (int) (seed >>> 62); // a little sensor-like noise
        y[row * ls + x] = (byte) ((((x + index * 8) / 16) * 16 + ((row / 8) % 2) * 40 + noise) & 0xFF);
      }
    }
    frame.data(0).put(y, 0, y.length);
    for (int plane = 1; plane <= 2; plane++) {
      int cls = frame.linesize(plane);
      byte[] c = new byte[cls * ((h + 1) / 2)];
      java.util.Arrays.fill(c, (byte) (plane == 1 ? 128 + (index % 60) : 128 - (index % 60)));
      frame.data(plane).put(c, 0, c.length);
    }
  }

  /** Interleaved s16le stereo 48 kHz sine, continuing from sample {@code start}. */
  public static byte[] tone(long start, int samples, double hz) {
    byte[] pcm = new byte[samples * 4];
    for (int i = 0; i < samples; i++) {
      short v = (short) (Math.sin(2 * Math.PI * hz * (start + i) / 48_000.0) * 12_000);
      for (int ch = 0; ch < 2; ch++) {
        pcm[i * 4 + ch * 2] = (byte) v;
        pcm[i * 4 + ch * 2 + 1] = (byte) (v >> 8);
      }
    }
    return pcm;
  }
}
