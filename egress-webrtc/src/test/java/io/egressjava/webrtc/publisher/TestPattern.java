package io.egressjava.webrtc.publisher;

import java.util.Arrays;

/**
 * Synthetic I420 video whose content can be checked after a round trip through encoders and
 * egress: a dark background, a red bar sweeping left to right once every two seconds, the frame
 * number in large seven-segment digits (blocky, so it survives any codec and scaling), and every
 * {@code flashEvery}-th frame (frame 0 included) entirely white, the marker for A/V-sync checks.
 * Planes are tightly packed (stride = width, chroma stride = (width + 1) / 2).
 */
public final class TestPattern {
  static final byte BACKGROUND_Y = 32;
  static final byte WHITE_Y = (byte) 235;
  static final byte GREY_UV = (byte) 128;
  private static final byte BAR_Y = 82;
  private static final byte BAR_U = 90;
  private static final byte BAR_V = (byte) 240;
  private static final byte PLATE_Y = 16;
  /** Seven-segment masks of 0–9; bits a..g = 0..6 (a top, b top right, c bottom right, d bottom, e bottom left, f top left, g middle). */
  private static final int[] SEGMENTS = {0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F};

  private final int width;
  private final int height;
  private final int chromaWidth;
  private final int chromaHeight;
  private final int flashEvery;
  private final byte[] y;
  private final byte[] u;
  private final byte[] v;

  public TestPattern(int width, int height, int flashEvery) {
    if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("even size of at least 16x16 needed: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.chromaWidth = width / 2;
    this.chromaHeight = height / 2;
    this.flashEvery = flashEvery;
    this.y = new byte[width * height];
    this.u = new byte[chromaWidth * chromaHeight];
    this.v = new byte[chromaWidth * chromaHeight];
  }

  public boolean isFlash(long frame) {
    return frame % flashEvery == 0;
  }

  /** Draws {@code frame} into the planes (overwriting the previous one). */
  public void render(long frame) {
    Arrays.fill(u, GREY_UV);
    Arrays.fill(v, GREY_UV);
    if (isFlash(frame)) {
      Arrays.fill(y, WHITE_Y);
      return;
    }
    Arrays.fill(y, BACKGROUND_Y);
    int barWidth = Math.max(2, width / 16) & ~1;
    long sweep = 2L * flashEvery; // frames for one pass
    int barX = (int) ((frame % sweep) * (width - barWidth) / (sweep - 1)) & ~1;
    fillRect(barX, 0, barWidth, height, BAR_Y, BAR_U, BAR_V);
    drawNumber(frame);
  }

  /** The frame number, left-aligned near the top left corner on a black plate. */
  private void drawNumber(long frame) {
    String digits = Long.toString(frame);
    int digitHeight = Math.max(8, height / 4) & ~1;
    int digitWidth = Math.max(4, digitHeight / 2) & ~1;
    int stroke = Math.max(2, digitHeight / 10) & ~1;
    int gap = Math.max(2, digitWidth / 3) & ~1;
    int margin = Math.max(2, height / 20) & ~1;
    int plateWidth = Math.min(width - margin, digits.length() * (digitWidth + gap) + gap);
    fillRect(margin, margin, plateWidth, Math.min(height - margin, digitHeight + 2 * gap), PLATE_Y, GREY_UV, GREY_UV);
    int x = margin + gap;
    for (int i = 0; i < digits.length(); i++, x += digitWidth + gap) {
      drawDigit(digits.charAt(i) - '0', x, margin + gap, digitWidth, digitHeight, stroke);
    }
  }

  private void drawDigit(int digit, int x, int top, int w, int h, int t) {
    int mask = SEGMENTS[digit];
    int half = h / 2;
    int[][] rects = {
        {x, top, w, t},                      // a
        {x + w - t, top, t, half},           // b
        {x + w - t, top + half, t, h - half}, // c
        {x, top + h - t, w, t},              // d
        {x, top + half, t, h - half},        // e
        {x, top, t, half},                   // f
        {x, top + half - t / 2, w, t},       // g
    };
    for (int s = 0; s < 7; s++) {
      if ((mask & (1 << s)) != 0) {
        fillRect(rects[s][0], rects[s][1], rects[s][2], rects[s][3], WHITE_Y, GREY_UV, GREY_UV);
      }
    }
  }

  /** Fills a rectangle clipped to the frame; chroma is set for the 2x2 blocks it covers. */
  private void fillRect(int x, int top, int w, int h, byte luma, byte cb, byte cr) {
    int x0 = Math.max(0, x);
    int x1 = Math.min(width, x + w);
    int y0 = Math.max(0, top);
    int y1 = Math.min(height, top + h);
    if (x0 >= x1 || y0 >= y1) {
      return;
    }
    for (int row = y0; row < y1; row++) {
      Arrays.fill(y, row * width + x0, row * width + x1, luma);
    }
    for (int row = y0 / 2; row < (y1 + 1) / 2; row++) {
      Arrays.fill(u, row * chromaWidth + x0 / 2, row * chromaWidth + (x1 + 1) / 2, cb);
      Arrays.fill(v, row * chromaWidth + x0 / 2, row * chromaWidth + (x1 + 1) / 2, cr);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public byte[] y() {
    return y;
  }

  public byte[] u() {
    return u;
  }

  public byte[] v() {
    return v;
  }
}
