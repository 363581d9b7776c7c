package io.egressjava.source.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreenDelaysTest {

  @Test
  void theFirstReportIsTakenAsItIsAndLaterOnesAreFollowedInSmallSteps() {
    ScreenDelays d = new ScreenDelays();
    assertThat(d.seconds("alice")).as("before any report").isCloseTo(0.040 + 0.017, within(1e-9));
    d.report(Map.of("alice", 30.0));
    assertThat(d.seconds("alice")).isCloseTo(0.030 + ScreenDelays.CAPTURE_SECONDS, within(1e-9));
    d.report(Map.of("alice", 32.0)); // jitter of the measurement: not followed
    assertThat(d.seconds("alice")).isCloseTo(0.030 + ScreenDelays.CAPTURE_SECONDS, within(1e-9));
    d.report(Map.of("alice", 80.0)); // a real change: followed 10 ms per report
    assertThat(d.seconds("alice")).isCloseTo(0.040 + ScreenDelays.CAPTURE_SECONDS, within(1e-9));
    for (int i = 0; i < 10; i++) {
      d.report(Map.of("alice", 80.0));
    }
    assertThat(d.seconds("alice")).isCloseTo(0.080 + ScreenDelays.CAPTURE_SECONDS, within(1e-9));
  }

  @Test
  void aParticipantWithoutAPictureGetsTheOthersDelayAndNonsenseIsIgnored() {
    ScreenDelays d = new ScreenDelays();
    d.report(Map.of("alice", 20.0, "bob", 60.0, "broken", Double.NaN));
    assertThat(d.seconds("carol")).isCloseTo(0.040 + ScreenDelays.CAPTURE_SECONDS, within(1e-9));
    assertThat(d.seconds("broken")).isCloseTo(d.seconds("carol"), within(1e-9));
  }
}
