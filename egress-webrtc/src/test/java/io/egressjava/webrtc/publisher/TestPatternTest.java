package io.egressjava.webrtc.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestPatternTest {
  private final TestPattern pattern = new TestPattern(320, 180, 30);

  @Test
  void everyFlashFrameIsWhiteAllOver() {
    for (long frame : new long[] {0, 30, 60, 900}) {
      pattern.render(frame);
      assertThat(pattern.isFlash(frame)).isTrue();
      assertThat(count(pattern.y(), TestPattern.WHITE_Y)).as("frame %d", frame).isEqualTo(320 * 180);
      assertThat(count(pattern.u(), TestPattern.GREY_UV)).isEqualTo(160 * 90);
    }
  }

  @Test
  void otherFramesAreDarkWithTheirNumberInWhiteDigits() {
    pattern.render(1);
    assertThat(pattern.isFlash(1)).isFalse();
    int one = count(pattern.y(), TestPattern.WHITE_Y);
    assertThat(count(pattern.y(), TestPattern.BACKGROUND_Y)).isGreaterThan(320 * 180 / 2);
    pattern.render(8);
    int eight = count(pattern.y(), TestPattern.WHITE_Y);
    pattern.render(88);
    int eightyEight = count(pattern.y(), TestPattern.WHITE_Y);
    assertThat(one).isPositive();
    assertThat(eight).as("all seven segments vs two").isGreaterThan(2 * one);
    assertThat(eightyEight).isEqualTo(2 * eight);
  }

  @Test
  void theBarMovesFromFrameToFrame() {
    pattern.render(1);
    int first = barColumn();
    pattern.render(11);
    int later = barColumn();
    assertThat(later).isGreaterThan(first);
  }

  @Test
  void refusesOddSizes() {
    assertThatThrownBy(() -> new TestPattern(321, 180, 30)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Leftmost chroma column of the bottom row that carries the bar's colour. */
  private int barColumn() {
    byte[] v = pattern.v();
    int row = 89 * 160;
    for (int x = 0; x < 160; x++) {
      if (v[row + x] != TestPattern.GREY_UV) {
        return x;
      }
    }
    return -1;
  }

  private static int count(byte[] plane, byte value) {
    int n = 0;
    for (byte b : plane) {
      if (b == value) {
        n++;
      }
    }
    return n;
  }
}
