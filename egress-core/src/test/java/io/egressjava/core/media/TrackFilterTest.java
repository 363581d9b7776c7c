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

  @Test
  void unreadableSelectorsSayWhy() {
    assertThatThrownBy(() -> TrackFilter.normalize("kind:smell")).hasMessageContaining("kind must be audio, video or screen_share");
    assertThatThrownBy(() -> TrackFilter.normalize("room:x")).hasMessageContaining("use identity:, track: or kind:");
    assertThatThrownBy(() -> TrackFilter.normalize(" ")).hasMessageContaining("an empty selector");
  }
}
