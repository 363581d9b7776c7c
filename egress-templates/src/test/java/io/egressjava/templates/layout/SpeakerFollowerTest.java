package io.egressjava.templates.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeakerFollowerTest {
  private static final long MS = 1_000_000L;

  @Test
  void aNewSpeakerTakesOverAfterTheHoldAndNotForACough() {
    SpeakerFollower f = new SpeakerFollower();
    assertThat(f.update(List.of(), 0)).as("nobody has spoken").isNull();
    assertThat(f.update(List.of("alice", "bob"), 10 * MS)).as("the first speaker at once").isEqualTo("alice");
    assertThat(f.update(List.of("bob", "alice"), 100 * MS)).as("bob, just now, while alice talks").isEqualTo("alice");
    assertThat(f.update(List.of("alice", "bob"), 300 * MS)).as("a cough: alice again").isEqualTo("alice");
    assertThat(f.update(List.of("bob", "alice"), 400 * MS)).isEqualTo("alice");
    assertThat(f.at(400 * MS + SpeakerFollower.HOLD_NANOS - 1)).isEqualTo("alice");
    assertThat(f.at(400 * MS + SpeakerFollower.HOLD_NANOS)).as("bob loudest for the hold, without another update").isEqualTo("bob");
    assertThat(f.update(List.of(), 2000 * MS)).as("silence keeps the last speaker").isEqualTo("bob");
  }

  @Test
  void whenTheOneShownFallsSilentTheLoudestTakesOverAtOnce() {
    SpeakerFollower f = new SpeakerFollower();
    f.update(List.of("alice"), 0);
    assertThat(f.update(List.of("bob"), 400 * MS)).as("alice left the list: no hold").isEqualTo("bob");
    assertThat(f.update(List.of(), 800 * MS)).as("everyone silent: bob stays").isEqualTo("bob");
    assertThat(f.update(List.of("carol"), 900 * MS)).as("bob was not in the list").isEqualTo("carol");
  }

  @Test
  void aChangeShowsWithinASecond() {
    SpeakerFollower f = new SpeakerFollower();
    f.update(List.of("alice"), 0);
    f.update(List.of("carol", "alice"), 1000 * MS);
    assertThat(f.update(List.of("carol", "alice"), 1000 * MS + SpeakerFollower.HOLD_NANOS)).isEqualTo("carol");
    assertThat(SpeakerFollower.HOLD_NANOS).as("leaves the server's detection most of the second").isLessThanOrEqualTo(300 * MS);
  }
}
