package io.egressjava.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A layout given as data (docs/native-composite.md): regions of the picture, each showing a
 * participant or a role, drawn in z order over a background colour. Only the native renderer draws
 * it; the built-in names stay the usual way to choose a layout.
 *
 * @param background the picture's colour as 0xRRGGBB, or -1 for the layout name's (black, #eee for -light)
 * @param regions in the order given
 */
public record RegionLayout(int background, List<Region> regions) {

  /** What fills a region: see {@link Region#show}. */
  public enum Role {
    /** one participant's camera: {@code identity:NAME} */
    IDENTITY,
    /** the first screen share */
    SCREEN_SHARE,
    /** the active speaker's camera, or the earliest camera no other region shows */
    SPEAKER,
    /** the earliest picture no other region shows */
    NEXT,
    /** every picture no other region shows, as a grid inside the region */
    OTHERS
  }

  /**
   * One region; x, y, w, h are fractions of the picture's width and height.
   *
   * @param identity the participant, for {@link Role#IDENTITY}; else empty
   * @param z higher is drawn later (on top); regions with the same z keep their order
   * @param padding pixels kept free on each side inside the region
   * @param cover true to fill the region and crop, false to fit whole with bars, null for the
   *     picture's default (cameras cover, screen shares fit)
   * @param background the region's own colour as 0xRRGGBB, painted even when it shows nothing; -1 for none
   */
  public record Region(double x, double y, double w, double h, Role show, String identity, int z, int padding, Boolean cover,
      int background) {}

  public RegionLayout {
    regions = List.copyOf(regions);
  }

  private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

  /** Whether a JSON layout object describes regions. */
  public static boolean given(JsonNode layout) {
    return layout.has("regions");
  }

  /** Reads the layout object's {@code regions}, {@code background} and {@code padding}; IllegalArgumentException says what is wrong. */
  public static RegionLayout parse(JsonNode layout) {
    JsonNode list = layout.get("regions");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("layout field \"regions\" must be a non-empty list of regions, not " + list);
    }
    int background = colour(layout, "background", "layout field \"background\"");
    int padding = padding(layout.get("padding"), "layout field \"padding\"", 0);
    List<Region> regions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      regions.add(region(list.get(i), "layout region " + (i + 1), i, padding));
    }
    return new RegionLayout(background, regions);
  }

  private static Region region(JsonNode r, String where, int index, int defaultPadding) {
    if (!r.isObject()) {
      throw new IllegalArgumentException(where + " must be an object, not " + r);
    }
    double x = fraction(r, "x", where, 0, false);
    double y = fraction(r, "y", where, 0, false);
    double w = fraction(r, "w", where, 1, true);
    double h = fraction(r, "h", where, 1, true);
    if (x + w > 1.0001 || y + h > 1.0001) {
      throw new IllegalArgumentException(where + " reaches past the picture: x + w and y + h must be at most 1");
    }
    JsonNode showNode = r.path("show");
    if (!showNode.isTextual()) {
      throw new IllegalArgumentException(where + ": \"show\" must be \"speaker\", \"screen_share\", \"next\", \"others\" or "
          + "\"identity:NAME\", not " + (showNode.isMissingNode() ? "missing" : showNode));
    }
    String show = showNode.asText().trim();
    Role role;
    String identity = "";
    if (show.startsWith("identity:") && show.length() > "identity:".length()) {
      role = Role.IDENTITY;
      identity = show.substring("identity:".length());
    } else {
      role = switch (show.toLowerCase(Locale.ROOT)) {
        case "speaker" -> Role.SPEAKER;
        case "screen_share" -> Role.SCREEN_SHARE;
        case "next" -> Role.NEXT;
        case "others" -> Role.OTHERS;
        default -> throw new IllegalArgumentException(where + ": \"show\" must be \"speaker\", \"screen_share\", \"next\", "
            + "\"others\" or \"identity:NAME\", not \"" + show + "\"");
      };
    }
    JsonNode z = r.get("z");
    if (z != null && !z.canConvertToInt()) {
      throw new IllegalArgumentException(where + ": \"z\" must be a whole number, not " + z);
    }
    Boolean cover = null;
    if (r.has("fit")) {
      String fit = r.get("fit").asText();
      if (!fit.equals("cover") && !fit.equals("contain")) {
        throw new IllegalArgumentException(where + ": \"fit\" must be \"cover\" or \"contain\", not " + r.get("fit"));
      }
      cover = fit.equals("cover");
    }
    return new Region(x, y, w, h, role, identity, z == null ? index : z.asInt(),
        padding(r.get("padding"), where + ": \"padding\"", defaultPadding), cover, colour(r, "background", where + ": \"background\""));
  }

  private static double fraction(JsonNode r, String field, String where, double absent, boolean positive) {
    JsonNode n = r.get(field);
    if (n == null) {
      return absent;
    }
    double v = n.isNumber() ? n.asDouble() : Double.NaN;
    if (!(v >= 0 && v <= 1) || (positive && v == 0)) {
      throw new IllegalArgumentException(where + ": \"" + field + "\" must be a number " + (positive ? "above" : "from")
          + " 0 to 1 (a fraction of the picture), not " + n);
    }
    return v;
  }

  private static int padding(JsonNode n, String what, int absent) {
    if (n == null) {
      return absent;
    }
    if (!n.canConvertToInt() || n.asInt() < 0 || !n.isIntegralNumber()) {
      throw new IllegalArgumentException(what + " must be a whole number of pixels, 0 or more, not " + n);
    }
    return n.asInt();
  }

  private static int colour(JsonNode o, String field, String what) {
    JsonNode n = o.get(field);
    if (n == null) {
      return -1;
    }
    if (!n.isTextual() || !COLOUR.matcher(n.asText()).matches()) {
      throw new IllegalArgumentException(what + " must be a colour as \"#rrggbb\", not " + n);
    }
    return Integer.parseInt(n.asText().substring(1), 16);
  }

  /** Writes this layout's fields into a JSON layout object, as {@link #parse} reads them. */
  public void write(ObjectNode o) {
    if (background >= 0) {
      o.put("background", String.format("#%06x", background));
    }
    var list = o.putArray("regions");
    for (Region r : regions) {
      ObjectNode n = list.addObject().put("x", r.x()).put("y", r.y()).put("w", r.w()).put("h", r.h())
          .put("show", r.show() == Role.IDENTITY ? "identity:" + r.identity() : r.show().name().toLowerCase(Locale.ROOT))
          .put("z", r.z()).put("padding", r.padding());
      if (r.cover() != null) {
        n.put("fit", r.cover() ? "cover" : "contain");
      }
      if (r.background() >= 0) {
        n.put("background", String.format("#%06x", r.background()));
      }
    }
  }
}
