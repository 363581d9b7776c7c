package io.egressjava.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.egressjava.core.lifecycle.PauseMode;
import org.junit.jupiter.api.Test;

class PauseTimelineTest {
  private static final int RATE = 48_000;

  @Test
  void aCutSpanIsLeftOutAndLaterMediaMovesBackByItsLength() {
    PauseTimeline t = new PauseTimeline();
    assertThat(t.pause(30, PauseMode.CUT)).isTrue();
    assertThat(t.pause(31, PauseMode.GAP)).as("already paused").isFalse();
    assertThat(t.picture(29.99)).isEqualTo(new PauseTimeline.Placement(29.99, false));
    assertThat(t.picture(30.0)).isNull();
    assertThat(t.resume(45)).isTrue();
    assertThat(t.picture(44.99)).as("captured while paused, arriving after the resume").isNull();
    assertThat(t.picture(45.0).seconds()).isCloseTo(30.0, within(1e-9));
    assertThat(t.picture(60.0)).isEqualTo(new PauseTimeline.Placement(45.0, false));
    assertThat(t.pausedSeconds(100)).isEqualTo(15.0);
  }

  /** At 25 fps a cut of 1.97 s lasts 2.0 s: pictures after it keep their place against the frame grid. */
  @Test
  void aCutLastsWholeFramePeriods() {
    PauseTimeline t = new PauseTimeline(1.0 / 25);
    t.pause(3.013, PauseMode.CUT);
    t.resume(4.983);
    assertThat(t.spans().get(0).length()).isCloseTo(2.0, within(1e-9));
    assertThat(t.picture(5.0)).as("within the frame period the cut was lengthened by").isNull();
    assertThat(t.picture(5.033).seconds()).isCloseTo(3.033, within(1e-9));
    assertThat(t.sound(5.003, 960, RATE)).as("sound goes on where the pictures do")
        .containsExactly(new PauseTimeline.Piece(960 - 480, 480, 3.013, false));
    t.pause(10, PauseMode.GAP);
    t.resume(10.01);
    assertThat(t.spans().get(1).length()).as("a gap keeps its own length").isCloseTo(0.01, within(1e-9));
  }

  @Test
  void aGapSpanKeepsItsPlaceAndIsBlank() {
    PauseTimeline t = new PauseTimeline();
    t.pause(10, PauseMode.GAP);
    assertThat(t.picture(12)).isEqualTo(new PauseTimeline.Placement(12, true));
    assertThat(t.mode()).isEqualTo(PauseMode.GAP);
    t.resume(15);
    assertThat(t.picture(15)).isEqualTo(new PauseTimeline.Placement(15, false));
    assertThat(t.mode()).isNull();
  }

  @Test
  void soundIsSplitWherePausesBeginAndEnd() {
    PauseTimeline t = new PauseTimeline();
    t.pause(1.010, PauseMode.CUT);
    // a 20 ms chunk from 1.000: its first 10 ms are kept, the rest is paused
    assertThat(t.sound(1.000, 960, RATE)).containsExactly(new PauseTimeline.Piece(0, 480, 1.000, false));
    assertThat(t.sound(1.500, 960, RATE)).isEmpty();
    t.resume(2.005);
    // from 2.000: 5 ms still paused, then 15 ms placed right after the cut
    var pieces = t.sound(2.000, 960, RATE);
    assertThat(pieces).hasSize(1);
    assertThat(pieces.get(0).offset()).isEqualTo(240);
    assertThat(pieces.get(0).length()).isEqualTo(720);
    assertThat(pieces.get(0).seconds()).isCloseTo(1.010, within(1e-9));
  }

  @Test
  void gapSoundIsWrittenBlankInPlace() {
    PauseTimeline t = new PauseTimeline();
    t.pause(1.010, PauseMode.GAP);
    assertThat(t.sound(1.000, 960, RATE)).containsExactly(new PauseTimeline.Piece(0, 480, 1.000, false),
        new PauseTimeline.Piece(480, 480, 1.010, true));
  }

  @Test
  void cutsAddUpAcrossSeveralPauses() {
    PauseTimeline t = new PauseTimeline();
    t.pause(10, PauseMode.CUT);
    t.resume(12);
    t.pause(20, PauseMode.GAP);
    t.resume(25);
    t.pause(30, PauseMode.CUT);
    t.resume(33.5);
    assertThat(t.picture(22)).isEqualTo(new PauseTimeline.Placement(20, true));
    assertThat(t.picture(40).seconds()).isCloseTo(34.5, within(1e-9));
    assertThat(t.spans()).hasSize(3);
    assertThat(t.pausedSeconds(100)).isEqualTo(10.5);
  }
}
