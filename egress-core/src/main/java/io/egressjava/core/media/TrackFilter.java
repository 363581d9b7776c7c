package io.egressjava.core.media;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who and what is left out of a recording, changeable while it runs. Selectors: {@code
 * identity:<participant identity>} (or the identity alone), {@code track:<track SID>}, {@code
 * kind:audio}, {@code kind:video}, {@code kind:screen_share} (a screen share's picture and sound).
 * An excluded track's sound is recorded as silence and its picture is not shown (black where it is
 * the only one, its tile gone in a composite). Including what was not excluded adds it: an egress
 * that mixes the sound of the tracks its request selected (v2 audio routes) then mixes that
 * participant's or track's sound too. Immutable.
 *
 * @param excluded selectors left out
 * @param added identity and track selectors included beyond the request's own selection
 */
public record TrackFilter(Set<String> excluded, Set<String> added) {
  public static final TrackFilter NONE = new TrackFilter(Set.of(), Set.of());

  public TrackFilter {
    excluded = Set.copyOf(excluded);
    added = Set.copyOf(added);
  }

  /** Also leaves out {@code selectors}; throws IllegalArgumentException for one it cannot read. */
  public TrackFilter exclude(Collection<String> selectors) {
    Set<String> out = new TreeSet<>(excluded);
    Set<String> in = new TreeSet<>(added);
    selectors.forEach(s -> {
      String n = normalize(s);
      out.add(n);
      in.remove(n);
    });
    return new TrackFilter(out, in);
  }

  /**
   * Records {@code selectors} again (those that were left out), or adds them (an identity or track
   * that was not left out).
   */
  public TrackFilter include(Collection<String> selectors) {
    Set<String> out = new TreeSet<>(excluded);
    Set<String> in = new TreeSet<>(added);
    selectors.forEach(s -> {
      String n = normalize(s);
      if (!out.remove(n) && !n.startsWith("kind:")) {
        in.add(n);
      }
    });
    return new TrackFilter(out, in);
  }

  /** Whether a track is recorded. */
  public boolean allows(String identity, String trackSid, boolean audio, boolean screenShare) {
    if (excluded.isEmpty()) {
      return true;
    }
    return !(excluded.contains("identity:" + identity) || excluded.contains("track:" + trackSid)
        || excluded.contains(audio ? "kind:audio" : "kind:video") || (screenShare && excluded.contains("kind:screen_share")));
  }

  /** Whether a track was included by name beyond the request's selection (and is not left out). */
  public boolean adds(String identity, String trackSid, boolean audio, boolean screenShare) {
    return (added.contains("identity:" + identity) || added.contains("track:" + trackSid))
        && allows(identity, trackSid, audio, screenShare);
  }

  /** A selector in its full form; throws IllegalArgumentException with why it cannot be read. */
  public static String normalize(String selector) {
    String s = selector == null ? "" : selector.trim();
    int colon = s.indexOf(':');
    if (colon < 0) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("an empty selector: give an identity, track:<sid> or kind:<audio|video|screen_share>");
      }
      return "identity:" + s;
    }
    String type = s.substring(0, colon).toLowerCase(Locale.ROOT);
    String value = s.substring(colon + 1);
    switch (type) {
      case "identity", "track" -> {
        if (value.isEmpty()) {
          throw new IllegalArgumentException("selector " + s + " names nothing");
        }
        return type + ":" + value;
      }
      case "kind" -> {
        String kind = value.toLowerCase(Locale.ROOT);
        if (!Set.of("audio", "video", "screen_share").contains(kind)) {
          throw new IllegalArgumentException("kind must be audio, video or screen_share, not " + value);
        }
        return "kind:" + kind;
      }
      default -> throw new IllegalArgumentException("selector " + s + ": use identity:, track: or kind:");
    }
  }
}
