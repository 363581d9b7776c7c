package io.egressjava.source.room.composite;

import io.egressjava.core.lifecycle.RegionLayout;
import io.egressjava.core.lifecycle.RegionLayout.Region;
import io.egressjava.core.lifecycle.RegionLayout.Role;
import io.egressjava.templates.layout.Box;
import io.egressjava.templates.layout.BuiltInLayouts;
import io.egressjava.templates.layout.Tile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What one composed picture shows where, in drawing order: the built-in layouts' boxes, or a
 * {@link RegionLayout}'s regions resolved against the tiles on show.
 */
final class Placements {

  /**
   * One thing to draw.
   *
   * @param tileId the tile drawn into {@code box}, or null for a region with nothing to show
   * @param box where the picture goes (inside the region's padding)
   * @param cover fill the box and crop, else fit whole
   * @param area the region's whole box, painted in {@code background} first
   * @param background 0xRRGGBB, or -1 to paint nothing
   */
  record Placement(String tileId, Box box, boolean cover, Box area, int background) {}

  private Placements() {}

  /** A built-in layout: cameras cover their box, screen shares fit. */
  static List<Placement> builtIn(String effectiveLayout, List<Tile> tiles, String speaker, int width, int height) {
    Map<String, Box> boxes = BuiltInLayouts.arrange(effectiveLayout, tiles, speaker == null ? List.of() : List.of(speaker), width,
        height);
    List<Placement> out = new ArrayList<>();
    for (Tile t : tiles) {
      Box b = boxes.get(t.id());
      if (b != null) {
        out.add(new Placement(t.id(), b, !t.screen(), b, -1));
      }
    }
    return out;
  }

  /**
   * A layout as data. Regions naming someone are filled first, then the screen share, the speaker,
   * the {@code next} regions in their order, and last {@code others} with whatever is left (the
   * first such region takes all of it, as a grid). Each tile is shown once, earliest joined first.
   */
  static List<Placement> regions(RegionLayout layout, List<Tile> tiles, String speaker, int width, int height) {
    List<Tile> ordered = new ArrayList<>(tiles);
    ordered.sort(Comparator.comparingLong(Tile::joined));
    Set<String> used = new HashSet<>();
    Tile[] chosen = new Tile[layout.regions().size()];
    for (Role role : List.of(Role.IDENTITY, Role.SCREEN_SHARE, Role.SPEAKER, Role.NEXT)) {
      for (int i = 0; i < chosen.length; i++) {
        Region r = layout.regions().get(i);
        if (r.show() == role) {
          chosen[i] = pick(r, ordered, used, speaker).orElse(null);
          if (chosen[i] != null) {
            used.add(chosen[i].id());
          }
        }
      }
    }
    List<Tile> rest = ordered.stream().filter(t -> !used.contains(t.id())).toList();
    List<Integer> byZ = new ArrayList<>();
    for (int i = 0; i < chosen.length; i++) {
      byZ.add(i);
    }
    byZ.sort(Comparator.comparingInt(i -> layout.regions().get(i).z()));
    List<Placement> out = new ArrayList<>();
    boolean othersPlaced = false;
    for (int i : byZ) {
      Region r = layout.regions().get(i);
      Box area = new Box((int) Math.round(r.x() * width), (int) Math.round(r.y() * height), (int) Math.round(r.w() * width),
          (int) Math.round(r.h() * height));
      if (r.background() >= 0) {
        out.add(new Placement(null, area, false, area, r.background()));
      }
      if (r.show() == Role.OTHERS) {
        if (!othersPlaced) {
          othersPlaced = true;
          gridInside(r, area, rest, out);
        }
      } else if (chosen[i] != null) {
        Tile t = chosen[i];
        out.add(new Placement(t.id(), inset(area, r.padding()), r.cover() != null ? r.cover() : !t.screen(), area, -1));
      }
    }
    return out;
  }

  private static Optional<Tile> pick(Region r, List<Tile> ordered, Set<String> used, String speaker) {
    Predicate<Tile> free = t -> !used.contains(t.id());
    return switch (r.show()) {
      case IDENTITY -> ordered.stream().filter(free).filter(t -> t.identity().equals(r.identity()))
          .min(Comparator.comparing(Tile::screen)); // the camera before a screen share
      case SCREEN_SHARE -> ordered.stream().filter(free).filter(Tile::screen).findFirst();
      case SPEAKER -> ordered.stream().filter(free).filter(t -> !t.screen() && t.identity().equals(speaker)).findFirst()
          .or(() -> ordered.stream().filter(free).filter(t -> !t.screen()).findFirst());
      case NEXT -> ordered.stream().filter(free).findFirst();
      case OTHERS -> Optional.empty();
    };
  }

  /** The tiles left, as the grid layout places them, inside the region. */
  private static void gridInside(Region r, Box area, List<Tile> rest, List<Placement> out) {
    if (rest.isEmpty()) {
      return;
    }
    int cols = (int) Math.ceil(Math.sqrt(rest.size()));
    int rows = (int) Math.ceil(rest.size() / (double) cols);
    int w = area.w() / cols;
    int h = area.h() / rows;
    for (int i = 0; i < rest.size(); i++) {
      Tile t = rest.get(i);
      Box cell = new Box(area.x() + (i % cols) * w, area.y() + (i / cols) * h, w, h);
      out.add(new Placement(t.id(), inset(cell, r.padding()), r.cover() != null ? r.cover() : !t.screen(), cell, -1));
    }
  }

  private static Box inset(Box b, int padding) {
    return new Box(b.x() + padding, b.y() + padding, Math.max(0, b.w() - 2 * padding), Math.max(0, b.h() - 2 * padding));
  }
}
