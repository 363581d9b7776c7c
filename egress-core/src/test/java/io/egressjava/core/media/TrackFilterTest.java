package io.egressjava.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrackFilterTest {

  @Test
  void leavesOutByIdentityTrackAndKindAndTakesThemBack() {
    TrackFilter f = TrackFilter.NONE.exclude(List.of("carol", "track:TR_b", "kind:screen_share"));
    assertThat(f.allows("carol", "TR_c", true, false)).isFalse();
    assertThat(f.allows("alice", "TR_a", false, false)).isTrue();
    assertThat(f.allows("alice", "TR_b", true, false)).isFalse();
    assertThat(f.allows("alice", "TR_s", false, true)).isFalse();
    assertThat(f.exclude(List.of("kind:AUDIO")).allows("alice", "TR_a", true, false)).isFalse();
    TrackFilter back = f.include(List.of("identity:carol"));
    assertThat(back.allows("carol", "TR_c", true, false)).isTrue();
    assertThat(back.excluded()).containsExactlyInAnyOrder("track:TR_b", "kind:screen_share");
  }

  /** Including what was not left out adds it by name (identities and tracks; a kind is never added). */
  @Test
  void includingWhatWasNotLeftOutAddsIt() {
    TrackFilter f = TrackFilter.NONE.exclude(List.of("carol")).include(List.of("carol", "dave", "track:TR_x", "kind:audio"));
    assertThat(f.excluded()).isEmpty();
    assertThat(f.added()).containsExactlyInAnyOrder("identity:dave", "track:TR_x");
    assertThat(f.adds("dave", "TR_d", true, false)).isTrue();
    assertThat(f.adds("carol", "TR_c", true, false)).as("carol was only taken back").isFalse();
    assertThat(f.adds("erin", "TR_x", true, false)).isTrue();
    TrackFilter out = f.exclude(List.of("dave"));
    assertThat(out.added()).containsExactly("track:TR_x");
    assertThat(out.adds("dave", "TR_d", true, false)).isFalse();
    assertThat(f.exclude(List.of("kind:audio")).adds("erin", "TR_x", true, false)).as("left out wins").isFalse();
  }

  @Test
  void unreadableSelectorsSayWhy() {
    assertThatThrownBy(() -> TrackFilter.normalize("kind:smell")).hasMessageContaining("kind must be audio, video or screen_share");
    assertThatThrownBy(() -> TrackFilter.normalize("room:x")).hasMessageContaining("use identity:, track: or kind:");
    assertThatThrownBy(() -> TrackFilter.normalize(" ")).hasMessageContaining("an empty selector");
  }
}
