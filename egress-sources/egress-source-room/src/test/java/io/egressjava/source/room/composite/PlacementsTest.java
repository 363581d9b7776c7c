package io.egressjava.source.room.composite;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.lifecycle.LayoutControl;
import io.egressjava.core.lifecycle.RegionLayout;
import io.egressjava.source.room.composite.Placements.Placement;
import io.egressjava.templates.layout.Box;
import io.egressjava.templates.layout.Tile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementsTest {
  private static final Tile ALICE = new Tile("TR_a", "alice", false, 1);
  private static final Tile BOB = new Tile("TR_b", "bob", false, 2);
  private static final Tile CAROL = new Tile("TR_c", "carol", false, 3);
  private static final Tile DAN = new Tile("TR_d", "dan", false, 4);
  private static final Tile SCREEN = new Tile("TR_s", "bob", true, 2);

  private static RegionLayout layout(String json) {
    return LayoutControl.fromLayout(json).regions();
  }

  @Test
  void builtInLayoutsCoverCamerasAndFitScreenShares() {
    List<Placement> p = Placements.builtIn("speaker", List.of(ALICE, SCREEN), null, 1280, 720);
    assertThat(p).containsExactly(
        new Placement("TR_a", new Box(1024, 0, 256, 144), true, new Box(1024, 0, 256, 144), -1),
        new Placement("TR_s", new Box(0, 0, 1024, 720), false, new Box(0, 0, 1024, 720), -1));
  }

  /** The speaker region takes the loudest camera; the others fill the grid of the side region, earliest first. */
  @Test
  void speakerAndOthersFromRegions() {
    RegionLayout l = layout("{\"regions\":[{\"w\":0.75,\"show\":\"speaker\"},{\"x\":0.75,\"w\":0.25,\"show\":\"others\",\"padding\":4}]}");
    List<Placement> p = Placements.regions(l, List.of(DAN, CAROL, BOB, ALICE), "carol", 1280, 720);
    assertThat(p).extracting(Placement::tileId).containsExactly("TR_c", "TR_a", "TR_b", "TR_d");
    assertThat(p.get(0).box()).isEqualTo(new Box(0, 0, 960, 720));
    // three left for a 320x720 region: 2 columns, 2 rows of 160x360, each inset by 4 px
    assertThat(p.get(1).box()).isEqualTo(new Box(964, 4, 152, 352));
    assertThat(p.get(2).box()).isEqualTo(new Box(1124, 4, 152, 352));
    assertThat(p.get(3).box()).isEqualTo(new Box(964, 364, 152, 352));
    assertThat(p).allMatch(Placement::cover);
    // nobody has spoken: the earliest camera
    assertThat(Placements.regions(l, List.of(BOB, ALICE), null, 1280, 720).get(0).tileId()).isEqualTo("TR_a");
  }

  /** A named participant's region is filled before any role; z orders the drawing; a region's colour is painted under it. */
  @Test
  void namedRegionsComeFirstAndZOrdersTheDrawing() {
    RegionLayout l = layout("{\"regions\":[{\"show\":\"next\"},"
        + "{\"x\":0.7,\"y\":0.7,\"w\":0.25,\"h\":0.25,\"z\":5,\"show\":\"identity:alice\",\"background\":\"#ffffff\",\"padding\":2},"
        + "{\"x\":0,\"y\":0,\"w\":0.2,\"h\":0.2,\"z\":3,\"show\":\"screen_share\",\"fit\":\"cover\"}]}");
    List<Placement> p = Placements.regions(l, List.of(ALICE, BOB, SCREEN), "alice", 1000, 1000);
    assertThat(p).extracting(Placement::tileId).containsExactly("TR_b", "TR_s", null, "TR_a");
    assertThat(p.get(1).cover()).as("fit given").isTrue();
    assertThat(p.get(2)).isEqualTo(new Placement(null, new Box(700, 700, 250, 250), false, new Box(700, 700, 250, 250), 0xffffff));
    assertThat(p.get(3).box()).isEqualTo(new Box(702, 702, 246, 246));
  }

  /** A region whose participant is absent shows nothing (its colour, if it has one); nobody is shown twice. */
  @Test
  void absentParticipantsLeaveTheirRegionEmpty() {
    RegionLayout l = layout("{\"regions\":[{\"w\":0.5,\"show\":\"identity:zoe\"},{\"x\":0.5,\"w\":0.5,\"show\":\"next\"},"
        + "{\"x\":0.5,\"w\":0.5,\"show\":\"next\"}]}");
    assertThat(Placements.regions(l, List.of(ALICE), null, 640, 360)).extracting(Placement::tileId).containsExactly("TR_a");
  }
}
