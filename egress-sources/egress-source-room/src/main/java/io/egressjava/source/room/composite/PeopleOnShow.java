package io.egressjava.source.room.composite;

import io.egressjava.media.ffmpeg.PlaceholderPicture;
import io.egressjava.templates.layout.Tile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import livekit.LivekitModels.ParticipantInfo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The room's participants as the composite shows them: each has one place in the tile order (by
 * join time), and one who publishes but has no camera picture on show (camera off, muted, not yet
 * arrived) gets a placeholder tile with their initial, as the templates' page shows them. Pictures
 * are drawn under the composer's lock.
 */
final class PeopleOnShow implements AutoCloseable {
  private static final String PREFIX = "PH_";

  /** @param order the tile order key: join time in µs, made unique */
  private record Person(String identity, String name, long order, boolean publishes) {}

  private record Rendered(int w, int h, boolean light, AVFrame frame) {}

  private final Map<String, Person> people = new ConcurrentHashMap<>();
  private final Map<String, Rendered> pictures = new HashMap<>();
  private long counter;

  /** Notes a participant's update (not hidden, not a recorder); returns their place in the tile order. */
  synchronized long update(ParticipantInfo p) {
    Person known = people.get(p.getIdentity());
    long order = known != null ? known.order()
        : (p.getJoinedAtMs() != 0 ? p.getJoinedAtMs() : p.getJoinedAt() * 1000) * 1000 + counter++;
    String name = p.getName().isBlank() ? p.getIdentity() : p.getName();
    people.put(p.getIdentity(), new Person(p.getIdentity(), name, order, p.getTracksCount() > 0));
    return order;
  }

  void left(String identity) {
    people.remove(identity);
  }

  /** Placeholder tiles for those who publish, are {@code allowed}, and have no camera in {@code pictured}. */
  List<Tile> placeholders(Set<String> pictured, Predicate<String> allowed) {
    List<Tile> out = new ArrayList<>();
    for (Person p : people.values()) {
      if (p.publishes() && !pictured.contains(p.identity()) && allowed.test(p.identity())) {
        out.add(new Tile(PREFIX + p.identity(), p.identity(), false, p.order()));
      }
    }
    out.sort(Comparator.comparingLong(Tile::joined));
    return out;
  }

  static boolean isPlaceholder(String tileId) {
    return tileId.startsWith(PREFIX);
  }

  /** The placeholder tile's picture at this size (kept until the size or colours change). */
  AVFrame picture(String tileId, int w, int h, boolean light) {
    Rendered r = pictures.get(tileId);
    if (r != null && r.w() == w && r.h() == h && r.light() == light) {
      return r.frame();
    }
    if (r != null) {
      avutil.av_frame_free(r.frame());
    }
    Person p = people.get(tileId.substring(PREFIX.length()));
    AVFrame f = PlaceholderPicture.render(p == null ? "?" : p.name(), w, h, light);
    pictures.put(tileId, new Rendered(w, h, light, f));
    return f;
  }

  /**
   * Frees the pictures of those who have left (under the composer's lock, each composition);
   * returns their tile IDs, for the compositor to forget too.
   */
  List<String> forgetGone() {
    List<String> gone = new ArrayList<>();
    for (var it = pictures.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!people.containsKey(e.getKey().substring(PREFIX.length()))) {
        avutil.av_frame_free(e.getValue().frame());
        it.remove();
        gone.add(e.getKey());
      }
    }
    return gone;
  }

  @Override
  public void close() {
    pictures.values().forEach(r -> avutil.av_frame_free(r.frame()));
    pictures.clear();
  }
}
