package io.egressjava.core.naming;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * Final storage names for file, segment and image outputs, by the reference's rules
 * (protocol.md §4.11–§4.13). Placeholder values are substituted and the result cleaned again, so a
 * room called "../x" cannot move a file out of its directory.
 */
public final class OutputNames {
  /** Extensions the reference recognises (and replaces when they are the wrong one). */
  public static final List<String> KNOWN_EXTENSIONS =
      List.of(".raw", ".ogg", ".mp3", ".ivf", ".mp4", ".ts", ".webm", ".m3u8", ".jpeg");

  private OutputNames() {}

  /** The name generated for empty or directory paths: identifier-time[-retry]. */
  public static String generatedBase(String identifier, int retryCount, ZonedDateTime now) {
    String base = identifier + "-" + Placeholders.time(now);
    return retryCount > 0 ? base + "-" + retryCount : base;
  }

  /** Substitutes placeholders and cleans again, keeping a trailing '/'. */
  public static String substitute(String cleanedTemplate, Placeholders placeholders) {
    return StoragePaths.clean(placeholders.apply(cleanedTemplate));
  }

  /** A file output's storage path with its extension ({@code ext} like ".mp4"). */
  public static String filePath(String template, String identifier, Placeholders placeholders, String ext,
      int retryCount, ZonedDateTime now) {
    String p = substitute(StoragePaths.clean(template), placeholders);
    if (p.isEmpty() || p.endsWith("/")) {
      return p + generatedBase(identifier, retryCount, now) + ext;
    }
    if (!p.endsWith(ext)) {
      int dot = p.lastIndexOf('.');
      if (dot >= 0 && KNOWN_EXTENSIONS.contains(p.substring(dot))) {
        p = p.substring(0, dot);
      }
      p = p + ext;
    }
    return p;
  }

  /** What a segmented output writes: the storage directory, playlist names and segment prefix. */
  public record SegmentNames(String storageDir, String playlistFilename, String livePlaylistFilename, String segmentPrefix) {
    public String playlistPath() {
      return StoragePaths.join(storageDir, playlistFilename);
    }

    public String livePlaylistPath() {
      return livePlaylistFilename.isEmpty() ? "" : StoragePaths.join(storageDir, livePlaylistFilename);
    }

    /** INDEX suffix: prefix_00000.ts. */
    public String indexSegment(int index) {
      return String.format("%s_%05d.ts", segmentPrefix, index);
    }

    /** TIMESTAMP suffix: prefix_20060102150405789.ts (segment start, local time). */
    public String timestampSegment(ZonedDateTime start) {
      return segmentPrefix + "_" + Placeholders.utc(start) + ".ts";
    }
  }

  /** Thrown with the reference's field text when playlist names conflict. */
  public static final class NameConflict extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NameConflict(String field) {
      super(field);
    }
  }

  /** Segment naming (§4.12); arguments are the request's raw strings. */
  public static SegmentNames segments(String filenamePrefix, String playlistName, String livePlaylistName,
      String identifier, Placeholders placeholders, int retryCount, ZonedDateTime now) {
    String prefix = substitute(StoragePaths.clean(filenamePrefix), placeholders);
    String playlist = substitute(StoragePaths.clean(playlistName), placeholders);
    String live = substitute(StoragePaths.clean(livePlaylistName), placeholders);

    String prefixDir = StoragePaths.dir(prefix);
    String prefixBase = StoragePaths.base(prefix);
    String playlistDir = StoragePaths.dir(playlist);
    String playlistBase = withoutExtension(StoragePaths.base(playlist));
    String liveDir = StoragePaths.dir(live);
    String liveBase = withoutExtension(StoragePaths.base(live));

    if (!liveDir.isEmpty() && !liveDir.equals(playlistDir)) {
      throw new NameConflict("live_playlist_name must be in same directory as playlist_name");
    }
    if (!prefixDir.isEmpty()) {
      if (prefixDir.equals(playlistDir)) {
        prefixDir = "";
      } else if (playlistDir.isEmpty()) {
        playlistDir = prefixDir;
        prefixDir = "";
      }
    }
    if (playlistBase.isEmpty()) {
      playlistBase = prefixBase.isEmpty() ? generatedBase(identifier, retryCount, now) : prefixBase;
    }
    if (prefixBase.isEmpty()) {
      prefixBase = playlistBase;
    }
    String playlistFile = playlistBase + ".m3u8";
    String liveFile = liveBase.isEmpty() ? "" : liveBase + ".m3u8";
    if (playlistFile.equals(liveFile)) {
      throw new NameConflict("live_playlist_name cannot be identical to playlist_name");
    }
    return new SegmentNames(playlistDir, playlistFile, liveFile, prefixDir + prefixBase);
  }

  /** Drops a ".ext" suffix of the last path element (any extension, as the reference). */
  static String withoutExtension(String base) {
    int dot = base.lastIndexOf('.');
    return dot < 0 ? base : base.substring(0, dot);
  }

  /** Image naming (§4.13): the storage directory and the file prefix. */
  public record ImageNames(String storageDir, String prefix) {
    public String indexImage(int index) {
      return String.format("%s_%05d.jpeg", prefix, index);
    }

    public String timestampImage(ZonedDateTime at) {
      return prefix + "_" + Placeholders.utc(at) + ".jpeg";
    }

    public String overwriteImage() {
      return prefix + ".jpeg";
    }
  }

  public static ImageNames images(String filenamePrefix, String identifier, Placeholders placeholders,
      int retryCount, ZonedDateTime now) {
    String prefix = substitute(StoragePaths.clean(filenamePrefix), placeholders);
    String base = StoragePaths.base(prefix);
    if (base.isEmpty()) {
      base = generatedBase(identifier, retryCount, now);
    }
    return new ImageNames(StoragePaths.dir(prefix), base);
  }
}
