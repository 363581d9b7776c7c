package io.egressjava.core.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.egressjava.core.naming.StoragePaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON manifest uploaded as {@code <egress_id>.json} beside an egress's outputs (protocol.md
 * §4.14). Empty fields are omitted, as the reference's JSON does. Thread-safe: outputs add entries
 * as their files are stored.
 */
public final class Manifest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final List<String[]> files = new ArrayList<>();
  private final Map<String, List<String[]>> playlists = new LinkedHashMap<>();
  private final List<Object[]> images = new ArrayList<>();
  private final List<Object[]> pauses = new ArrayList<>();

  /** Where the manifest of {@code egressId} goes in a storage directory ("" or ending in '/'). */
  public static String storagePath(String dir, String egressId) {
    return StoragePaths.join(dir, egressId + ".json");
  }

  /** Sets a top-level field (egress_id, room_id, room_name, url, started_at, ended_at, publisher_identity, track_id, …). */
  public synchronized Manifest set(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  public synchronized void addFile(String filename, String location) {
    files.add(new String[] {filename, location});
  }

  public synchronized void addSegment(String playlistLocation, String filename, String location) {
    playlists.computeIfAbsent(playlistLocation, p -> new ArrayList<>()).add(new String[] {filename, location});
  }

  /** @param timestampNanos when the image was taken (Unix ns) */
  public synchronized void addImage(String filename, long timestampNanos, String location) {
    images.add(new Object[] {filename, timestampNanos, location});
  }

  /** A span the egress was paused (Unix ns; {@code endedAt} 0 while it lasts), "cut" or "gap". */
  public synchronized void addPause(long startedAt, long endedAt, String mode) {
    pauses.add(new Object[] {startedAt, endedAt, mode});
  }

  public synchronized String toJson() {
    ObjectNode root = JSON.createObjectNode();
    for (String name : List.of("egress_id", "room_id", "room_name", "url", "started_at", "ended_at", "publisher_identity",
        "track_id", "track_kind", "track_source", "audio_track_id", "video_track_id")) {
      Object v = fields.get(name);
      if (v instanceof String s && !s.isEmpty()) {
        root.put(name, s);
      } else if (v instanceof Long n && n != 0) {
        root.put(name, n);
      }
    }
    if (!files.isEmpty()) {
      ArrayNode a = root.putArray("files");
      files.forEach(f -> a.addObject().put("filename", f[0]).put("location", f[1]));
    }
    if (!playlists.isEmpty()) {
      ArrayNode a = root.putArray("playlists");
      playlists.forEach((location, segments) -> {
        ObjectNode p = a.addObject().put("location", location);
        ArrayNode s = p.putArray("segments");
        segments.forEach(seg -> s.addObject().put("filename", seg[0]).put("location", seg[1]));
      });
    }
    if (!images.isEmpty()) {
      ArrayNode a = root.putArray("images");
      images.forEach(i -> a.addObject().put("filename", (String) i[0]).put("timestamp", (Long) i[1]).put("location", (String) i[2]));
    }
    if (!pauses.isEmpty()) {
      ArrayNode a = root.putArray("paused");
      pauses.forEach(p -> a.addObject().put("started_at", (Long) p[0]).put("ended_at", (Long) p[1]).put("mode", (String) p[2]));
    }
    return root.toString();
  }
}
