package io.egressjava.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.egressjava.core.media.TrackFilter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an UpdateLayout asks of a running egress. livekit-server does not call the egress for it: it
 * sets the metadata of the participant whose identity is the egress ID to {@code {"layout":"<layout>"}}
 * (protocol.md §2.3), and passes the layout string through unchanged. A plain name ("grid") only
 * picks a layout; a JSON object can also pause and resume, and leave participants or tracks out
 * of the recording and take them back: {@code {"layout":"grid","paused":true,"pause_mode":"gap"}}
 * ("cut" when not given), {@code {"exclude":["carol","kind:screen_share"]}}, {@code
 * {"include":["carol"]}} (selectors as {@link TrackFilter} reads them). With {@code "regions"} it
 * gives the layout itself as data ({@link RegionLayout}; the native renderer only).
 *
 * @param layout the layout name; "" when none was given
 * @param paused true to pause, false to resume, null to leave as it is
 * @param exclude selectors to leave out from now on (full form)
 * @param include selectors to record again (full form)
 * @param regions the layout as data, or null when the layout is the name's
 */
public record LayoutControl(String layout, Boolean paused, PauseMode pauseMode, List<String> exclude, List<String> include,
    RegionLayout regions) {

  public LayoutControl {
    exclude = List.copyOf(exclude);
    include = List.copyOf(include);
  }

  /** Pausing or resuming only. */
  public LayoutControl(String layout, Boolean paused, PauseMode pauseMode) {
    this(layout, paused, pauseMode, List.of(), List.of(), null);
  }

  /** Whether it says how the picture is laid out: a layout name or regions. */
  public boolean laysOut() {
    return !layout.isEmpty() || regions != null;
  }

  /** Whether it changes who or what is recorded. */
  public boolean selects() {
    return !exclude.isEmpty() || !include.isEmpty();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the participant metadata UpdateLayout set; throws IllegalArgumentException with why it cannot. */
  public static LayoutControl fromMetadata(String metadata) {
    JsonNode root = read(metadata, "participant metadata");
    JsonNode layout = root.get("layout");
    if (layout == null || !layout.isTextual()) {
      throw new IllegalArgumentException("participant metadata has no \"layout\" string: " + metadata);
    }
    return fromLayout(layout.asText());
  }

  /** Reads an UpdateLayout layout value: a name, or a JSON object (see the class comment). */
  public static LayoutControl fromLayout(String layout) {
    String text = layout.trim();
    if (!text.startsWith("{")) {
      return new LayoutControl(text, null, PauseMode.CUT);
    }
    JsonNode o = read(text, "layout");
    JsonNode name = o.path("layout");
    JsonNode paused = o.get("paused");
    if (paused != null && !paused.isBoolean()) {
      throw new IllegalArgumentException("layout field \"paused\" must be true or false, not " + paused);
    }
    PauseMode mode = PauseMode.CUT;
    if (o.has("pause_mode")) {
      mode = PauseMode.parse(o.get("pause_mode").asText());
      if (mode == null) {
        throw new IllegalArgumentException("layout field \"pause_mode\" must be \"cut\" or \"gap\", not " + o.get("pause_mode"));
      }
    }
    return new LayoutControl(name.isTextual() ? name.asText() : "", paused == null ? null : paused.asBoolean(), mode,
        selectors(o, "exclude"), selectors(o, "include"), RegionLayout.given(o) ? RegionLayout.parse(o) : null);
  }

  private static List<String> selectors(JsonNode o, String field) {
    JsonNode list = o.get(field);
    if (list == null) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("layout field \"" + field + "\" must be a list of selectors, not " + list);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : list) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException("layout field \"" + field + "\" must hold strings, not " + s);
      }
      out.add(TrackFilter.normalize(s.asText()));
    }
    return out;
  }

  /** As {@link #fromLayout} reads it back. */
  public String toJson() {
    var o = JSON.createObjectNode().put("layout", layout);
    if (paused != null) {
      o.put("paused", paused).put("pause_mode", pauseMode.label());
    }
    if (!exclude.isEmpty()) {
      exclude.forEach(o.putArray("exclude")::add);
    }
    if (!include.isEmpty()) {
      include.forEach(o.putArray("include")::add);
    }
    if (regions != null) {
      regions.write(o);
    }
    return o.toString();
  }

  private static JsonNode read(String text, String what) {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(what + " is not a JSON object: " + text);
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + text);
    }
  }
}
