package io.egressjava.sinks.hls;

import io.egressjava.api.storage.OutputStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The text of an HLS media playlist with the reference's exact lines (protocol.md §4.12): the main
 * playlist is an EVENT playlist that only grows; the live playlist keeps a sliding window and moves
 * its media sequence. {@link #render()} gives the current text; {@link #end()} adds ENDLIST.
 */
public final class HlsPlaylist {
  /** Segments kept by the live playlist. */
  public static final int LIVE_WINDOW = 5;

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final boolean live;
  private final int targetDuration;
  private final Deque<String> entries = new ArrayDeque<>();
  private int mediaSequence;
  private boolean ended;

  private HlsPlaylist(boolean live, int targetDuration) {
    this.live = live;
    this.targetDuration = targetDuration;
  }

  public static HlsPlaylist event(int targetDuration) {
    return new HlsPlaylist(false, targetDuration);
  }

  public static HlsPlaylist live(int targetDuration) {
    return new HlsPlaylist(true, targetDuration);
  }

  public synchronized void append(Instant programDateTime, double durationSeconds, String filename) {
    entries.addLast("#EXT-X-PROGRAM-DATE-TIME:" + programDateTime(programDateTime) + "\n"
        + "#EXTINF:" + extinf(durationSeconds) + ",\n" + filename + "\n");
    while (live && entries.size() > LIVE_WINDOW) {
      entries.removeFirst();
      mediaSequence++;
    }
  }

  public synchronized void end() {
    ended = true;
  }

  public synchronized int size() {
    return entries.size();
  }

  /**
   * Writes the playlist as it stands to {@code local} and stores it at {@code storagePath};
   * returns its location.
   */
  public String store(OutputStore store, Path local, String storagePath, boolean deleteLocal) {
    try {
      Files.createDirectories(local.getParent());
      Files.writeString(local, render(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store.store(local, storagePath, "application/x-mpegurl", deleteLocal).location();
  }

  public synchronized String render() {
    StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:4\n");
    if (!live) {
      b.append("#EXT-X-PLAYLIST-TYPE:EVENT\n");
    }
    b.append("#EXT-X-ALLOW-CACHE:NO\n#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    b.append("#EXT-X-MEDIA-SEQUENCE:").append(live ? mediaSequence : 0).append('\n');
    entries.forEach(b::append);
    if (ended) {
      b.append("#EXT-X-ENDLIST\n");
    }
    return b.toString();
  }

  /** UTC, RFC 3339 with milliseconds, trailing zeros of the fraction dropped (Go's ".999"). */
  static String programDateTime(Instant t) {
    int millis = t.getNano() / 1_000_000;
    String fraction = "";
    if (millis > 0) {
      fraction = String.format(".%03d", millis).replaceAll("0+$", "");
    }
    return SECONDS.format(t) + fraction + "Z";
  }

  /** Three decimals, from the single-precision value as the reference formats it. */
  static String extinf(double seconds) {
    return new BigDecimal(Float.toString((float) seconds)).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
  }
}
