package io.egressjava.templates.layout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The geometry of the built-in layouts as data, for a renderer without a browser: the same boxes
 * the templates' page computes (src/main/web/src/layout.js; {@code BuiltInLayoutsTest} runs that
 * file under Node and compares). Tiles are ordered by join time; a screen share takes the main
 * area; {@code grid} turns into {@code speaker} while one is shown.
 */
public final class BuiltInLayouts {
  /** The names a request may give (the {@code -light} variants differ only in colours). */
  public static final List<String> NAMES =
      List.of("grid", "speaker", "single-speaker", "grid-light", "speaker-light", "single-speaker-light");

  private BuiltInLayouts() {}

  /** The layout that applies: an unknown name is {@code grid}; {@code grid} with a screen share is {@code speaker}. */
  public static String effective(String name, boolean hasScreenShare) {
    String base = name.endsWith("-light") ? name.substring(0, name.length() - "-light".length()) : name;
    if (base.equals("grid") && hasScreenShare) {
      return "speaker";
    }
    return List.of("grid", "speaker", "single-speaker").contains(base) ? base : "grid";
  }

  /**
   * Where each tile goes in a {@code width}×{@code height} picture under an effective layout;
   * tiles not in the answer are not shown. {@code speakers}: identities, loudest first.
   */
  public static Map<String, Box> arrange(String layout, List<Tile> tiles, List<String> speakers, int width, int height) {
    Map<String, Box> boxes = new LinkedHashMap<>();
    if (tiles.isEmpty()) {
      return boxes;
    }
    List<Tile> ordered = new ArrayList<>(tiles);
    ordered.sort(Comparator.comparingLong(Tile::joined)); // stable, as the page's sort
    if (layout.equals("grid")) {
      int cols = (int) Math.ceil(Math.sqrt(ordered.size()));
      int rows = (int) Math.ceil(ordered.size() / (double) cols);
      int w = width / cols;
      int h = height / rows;
      for (int i = 0; i < ordered.size(); i++) {
        boxes.put(ordered.get(i).id(), new Box((i % cols) * w, (i / cols) * h, w, h));
      }
      return boxes;
    }
    Tile main = ordered.stream().filter(Tile::screen).findFirst()
        .or(() -> ordered.stream().filter(t -> !speakers.isEmpty() && t.identity().equals(speakers.get(0))).findFirst())
        .orElse(ordered.get(0));
    if (layout.equals("single-speaker") || ordered.size() == 1) {
      boxes.put(main.id(), new Box(0, 0, width, height));
      return boxes;
    }
    // speaker: the main picture on the left, the others in a column on the right
    int side = width / 5;
    boxes.put(main.id(), new Box(0, 0, width - side, height));
    List<Tile> others = ordered.stream().filter(t -> t != main).toList();
    int h = (int) Math.floor(Math.min((double) height / others.size(), side * 9 / 16.0));
    for (int i = 0; i < others.size(); i++) {
      boxes.put(others.get(i).id(), new Box(width - side, i * h, side, h));
    }
    return boxes;
  }
}
