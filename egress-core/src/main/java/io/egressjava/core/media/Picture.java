package io.egressjava.core.media;

/**
 * A raw picture a source hands over, valid only during the call that hands it over (the source may
 * reuse its memory). Sources built on FFmpeg hand over its frames as they are; an application
 * recording its own pictures gives {@link #i420}.
 */
public interface Picture {
  int width();

  int height();

  /**
   * A picture in I420 (planar YUV 4:2:0, limited range) from plain arrays, rows without padding:
   * {@code y} is width × height bytes, {@code u} and {@code v} each ⌈width/2⌉ × ⌈height/2⌉.
   */
  static Picture i420(int width, int height, byte[] y, byte[] u, byte[] v) {
    return new I420(width, height, y, u, v);
  }

  /** Black (limited range: Y 16, chroma 128) of this size, as I420 arrays. */
  static I420 black(int width, int height) {
    int chroma = ((width + 1) / 2) * ((height + 1) / 2);
    byte[] y = new byte[width * height];
    byte[] uv = new byte[chroma];
    java.util.Arrays.fill(y, (byte) 16);
    java.util.Arrays.fill(uv, (byte) 128);
    return new I420(width, height, y, uv, uv.clone());
  }

  /** See {@link Picture#i420}. */
  record I420(int width, int height, byte[] y, byte[] u, byte[] v) implements Picture {
    public I420 {
      int cw = (width + 1) / 2;
      int ch = (height + 1) / 2;
      if (width <= 0 || height <= 0 || y.length < width * height || u.length < cw * ch || v.length < cw * ch) {
        throw new IllegalArgumentException("I420 " + width + "x" + height + " needs planes of " + width * height + ", "
            + cw * ch + " and " + cw * ch + " bytes");
      }
    }
  }
}
