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
  void regionsGiveTheLayoutAsDataAndSurviveTheLink() {
    LayoutControl c = LayoutControl.fromLayout("{\"background\":\"#102030\",\"padding\":4,\"regions\":["
        + "{\"x\":0,\"y\":0,\"w\":0.75,\"h\":1,\"show\":\"speaker\"},"
        + "{\"x\":0.75,\"w\":0.25,\"show\":\"others\",\"fit\":\"contain\",\"padding\":0},"
        + "{\"x\":0.05,\"y\":0.7,\"w\":0.2,\"h\":0.25,\"z\":-1,\"show\":\"identity:alice\",\"background\":\"#FFFFFF\"}]}");
    RegionLayout r = c.regions();
    assertThat(c.laysOut()).isTrue();
    assertThat(r.background()).isEqualTo(0x102030);
    assertThat(r.regions()).containsExactly(
        new RegionLayout.Region(0, 0, 0.75, 1, RegionLayout.Role.SPEAKER, "", 0, 4, null, -1),
        new RegionLayout.Region(0.75, 0, 0.25, 1, RegionLayout.Role.OTHERS, "", 1, 0, false, -1),
        new RegionLayout.Region(0.05, 0.7, 0.2, 0.25, RegionLayout.Role.IDENTITY, "alice", -1, 4, null, 0xffffff));
    assertThat(LayoutControl.fromLayout(c.toJson())).isEqualTo(c);
    assertThat(LayoutControl.fromLayout("{\"paused\":true}").laysOut()).as("pausing keeps the layout").isFalse();
  }

  @Test
  void badRegionsSayWhichAndWhy() {
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"regions\":[]}")).hasMessageContaining("non-empty list of regions");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"regions\":[{\"show\":\"next\"},{\"x\":0.5,\"w\":0.6,\"show\":\"next\"}]}"))
        .hasMessageContaining("layout region 2 reaches past the picture");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"regions\":[{\"show\":\"bob\"}]}"))
        .hasMessageContaining("layout region 1: \"show\" must be").hasMessageContaining("not \"bob\"");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"regions\":[{\"show\":\"next\",\"fit\":\"fill\"}]}"))
        .hasMessageContaining("\"fit\" must be \"cover\" or \"contain\"");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"background\":\"red\",\"regions\":[{\"show\":\"next\"}]}"))
        .hasMessageContaining("layout field \"background\" must be a colour as \"#rrggbb\"");
    assertThatThrownBy(() -> LayoutControl.fromLayout("{\"regions\":[{\"show\":\"next\",\"padding\":-2}]}"))
        .hasMessageContaining("whole number of pixels");
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
