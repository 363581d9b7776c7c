package io.egressjava.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What an UpdateLayout asks of a running egress. livekit-server does not call the egress for it: it
 * sets the metadata of the participant whose identity is the egress ID to {@code {"layout":"<layout>"}}
 * (protocol.md §2.3), and passes the layout string through unchanged. A plain name ("grid") only
 * picks a layout; a JSON object can also pause and resume:
 * {@code {"layout":"grid","paused":true,"pause_mode":"gap"}} ("cut" when not given).
 *
 * @param layout the layout name; "" when none was given
 * @param paused true to pause, false to resume, null to leave as it is
 */
public record LayoutControl(String layout, Boolean paused, PauseMode pauseMode) {
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
    return new LayoutControl(name.isTextual() ? name.asText() : "", paused == null ? null : paused.asBoolean(), mode);
  }

  /** As {@link #fromLayout} reads it back. */
  public String toJson() {
    var o = JSON.createObjectNode().put("layout", layout);
    if (paused != null) {
      o.put("paused", paused).put("pause_mode", pauseMode.label());
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
