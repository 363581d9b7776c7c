package io.egressjava.source.browser;

import com.microsoft.playwright.Page;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the page is exactly the captured picture's size. Chromium's kiosk window on Xvfb (no
 * window manager) is a pixel short of the screen in each direction (639x359 on a 640x360 screen,
 * measured): the page then lays its tiles out a pixel off and the capture shows a line of the bare
 * screen at the right and the bottom. The screen is made a pixel larger for it ({@link
 * BrowserSource}); resizing the window through the DevTools protocol instead takes it out of kiosk
 * mode, and the browser's tab strip and toolbar appear in the picture (tried).
 */
final class WindowFit {
  private static final Logger log = LoggerFactory.getLogger(WindowFit.class);

  private WindowFit() {}

  /** Warns when the page is not {@code width}×{@code height}: its tiles would be off and its edges show the bare screen. */
  static void check(Page page, int width, int height) {
    int[] inner = inner(page);
    if (inner[0] != width || inner[1] != height) {
      log.warn("the page is {}x{}, not {}x{}: its layout is off and its edges may show the bare screen", inner[0], inner[1],
          width, height);
    }
  }

  private static int[] inner(Page page) {
    List<?> size = (List<?>) page.evaluate("[innerWidth, innerHeight]");
    return new int[] {((Number) size.get(0)).intValue(), ((Number) size.get(1)).intValue()};
  }
}
