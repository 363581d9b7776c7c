package io.egressjava.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayoutControlTest {

  @Test
  void aPlainLayoutNameOnlyPicksTheLayout() {
    assertThat(LayoutControl.fromMetadata("{\"layout\":\"speaker\"}")).isEqualTo(new LayoutControl("speaker", null, PauseMode.CUT));
  }

  @Test
  void aJsonLayoutPausesAndResumes() {
    assertThat(LayoutControl.fromMetadata("{\"layout\":\"{\\\"paused\\\":true,\\\"pause_mode\\\":\\\"gap\\\"}\"}"))
        .isEqualTo(new LayoutControl("", true, PauseMode.GAP));
    assertThat(LayoutControl.fromLayout("{\"layout\":\"grid\",\"paused\":false}"))
        .isEqualTo(new LayoutControl("grid", false, PauseMode.CUT));
  }

  @Test
  void excludeAndIncludeCarrySelectorsAndSurviveTheLink() {
    LayoutControl c = LayoutControl.fromLayout("{\"exclude\":[\"carol\",\"kind:screen_share\"],\"include\":[\"track:TR_a\"]}");
    assertThat(c.exclude()).containsExactly("identity:carol", "kind:screen_share");
    assertThat(c.include()).containsExactly("track:TR_a");
    assertThat(c.paused()).isNull();
    assertThat(LayoutControl.fromLayout(c.toJson())).isEqualTo(c);
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"exclude\":\"carol\"}")).hasMessageContaining("must be a list of selectors");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"exclude\":[\"kind:x\"]}")).hasMessageContaining("kind must be");
  }

  @Test
  void badInputSaysWhatIsWrong() {
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"paused\":\"yes\"}")).hasMessageContaining("\"paused\" must be true or false");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"paused\":true,\"pause_mode\":\"skip\"}"))
        .hasMessageContaining("\"pause_mode\" must be \"cut\" or \"gap\"");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{nope")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> LayoutControl.fromMetadata("{}")).hasMessageContaining("no \"layout\" string");
  }
}
