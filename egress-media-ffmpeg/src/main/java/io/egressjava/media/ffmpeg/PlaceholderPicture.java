package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The picture of a participant without one (camera off, muted or not yet arrived): a flat tile
 * with a circle holding the initial of their name, drawn as the templates' page draws it (a circle
 * 40 % of the tile's shorter side, the letter half as tall, DejaVu Sans bold). Java2D in headless
 * mode: no display needed.
 */
public final class PlaceholderPicture {
  /** The dark templates' tile, circle and letter. */
  private static final Color[] DARK = {new Color(0x2b2b2b), new Color(0x555555), Color.WHITE};
  /** The light templates'. */
  private static final Color[] LIGHT = {new Color(0xd4d4d4), new Color(0x9e9e9e), Color.WHITE};

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private PlaceholderPicture() {}

  /** The letter shown for a name: its first letter or digit, upper case; "?" for none. */
  public static String initial(String name) {
    return name.codePoints().filter(Character::isLetterOrDigit).findFirst()
        .stream().mapToObj(Character::toString).findFirst().orElse("?").toUpperCase(Locale.ROOT);
  }

  /** A {@code width}×{@code height} BGR picture for {@code name} (the caller frees it). */
  public static AVFrame render(String name, int width, int height, boolean light) {
    Ffmpeg.load();
    Color[] colours = light ? LIGHT : DARK;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(colours[0]);
      g.fillRect(0, 0, width, height);
      int d = (int) Math.round(0.4 * Math.min(width, height));
      g.setColor(colours[1]);
      g.fillOval((width - d) / 2, (height - d) / 2, d, d);
      g.setFont(new Font("DejaVu Sans", Font.BOLD, Math.max(1, d / 2)));
      FontMetrics m = g.getFontMetrics();
      String letter = initial(name);
      g.setColor(colours[2]);
      // centred on the cap height, as CSS centres a line box on the circle
      int capHeight = (int) Math.round(g.getFont().createGlyphVector(g.getFontRenderContext(), "H").getVisualBounds().getHeight());
      g.drawString(letter, (width - m.stringWidth(letter)) / 2, (height + capHeight) / 2);
    } finally {
      g.dispose();
    }
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    AVFrame f = av_frame_alloc();
    f.format(AV_PIX_FMT_BGR24);
    f.width(width);
    f.height(height);
    Ffmpeg.check(av_frame_get_buffer(f, 0), "av_frame_get_buffer");
    int stride = f.linesize(0);
    for (int row = 0; row < height; row++) {
      f.data(0).position((long) row * stride).put(bgr, row * width * 3, width * 3);
    }
    f.data(0).position(0);
    return f;
  }
}
