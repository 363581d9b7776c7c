package io.egressjava.storage;

import java.util.Map;

/** Content types by extension, as the reference sets them on uploads. */
public final class ContentTypes {
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("mp4", "video/mp4"),
      Map.entry("ogg", "audio/ogg"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("webm", "video/webm"),
      Map.entry("ivf", "video/x-ivf"),
      Map.entry("ts", "video/mp2t"),
      Map.entry("m3u8", "application/x-mpegurl"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("json", "application/json"));

  private ContentTypes() {}

  public static String of(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase();
    return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
  }
}
