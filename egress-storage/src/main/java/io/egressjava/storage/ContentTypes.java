package io.egressjava.storage;

import io.egressjava.core.plan.OutputType;
import java.util.HashMap;
import java.util.Map;

/** Content types by extension: the output types' own mime strings (as the reference sets them), plus JSON. */
public final class ContentTypes {
  private static final Map<String, String> BY_EXTENSION = new HashMap<>();

  static {
    for (OutputType t : OutputType.values()) {
      if (!t.extension().isEmpty()) {
        BY_EXTENSION.put(t.extension().substring(1), t.mime());
      }
    }
    BY_EXTENSION.put("jpg", "image/jpeg");
    BY_EXTENSION.put("json", "application/json");
  }

  private ContentTypes() {}

  public static String of(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase();
    return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
  }
}
