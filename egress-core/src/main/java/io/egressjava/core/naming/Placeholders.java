package io.egressjava.core.naming;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Filename placeholders ({room_name}, {time}, …) and their values for one egress.
 *
 * <p>Times use the process's local zone, as the reference does (containers normally run in UTC).
 */
public final class Placeholders {
  public static final String ROOM_NAME = "{room_name}";
  public static final String ROOM_ID = "{room_id}";
  public static final String TIME = "{time}";
  public static final String UTC = "{utc}";
  public static final String PUBLISHER_IDENTITY = "{publisher_identity}";
  public static final String TRACK_ID = "{track_id}";
  public static final String TRACK_TYPE = "{track_type}";
  public static final String TRACK_SOURCE = "{track_source}";
  public static final String RETRY = "{retry}";

  private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss");
  private static final DateTimeFormatter UTC_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");

  private final Map<String, String> values;

  private Placeholders(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** {@code {time}}: 2006-01-02T150405. */
  public static String time(ZonedDateTime now) {
    return TIME_FORMAT.format(now);
  }

  /** {@code {utc}}: 20060102150405 plus 3-digit milliseconds (local time despite the name). */
  public static String utc(ZonedDateTime now) {
    return UTC_FORMAT.format(now);
  }

  /**
   * Values known when the request is planned. Room placeholders exist only when there is a room
   * ({@code {room_name}} stays literal for web egress); {@code {retry}} only for retries (> 0).
   */
  public static Placeholders forRequest(String roomName, String roomId, int retryCount, ZonedDateTime now) {
    Map<String, String> v = new LinkedHashMap<>();
    if (!roomName.isEmpty()) {
      v.put(ROOM_NAME, roomName);
      v.put(ROOM_ID, roomId);
    }
    v.put(TIME, time(now));
    v.put(UTC, utc(now));
    if (retryCount > 0) {
      v.put(RETRY, Integer.toString(retryCount));
    }
    return new Placeholders(v);
  }

  /** A copy with more values (e.g. the track's, once it is subscribed). */
  public Placeholders with(String placeholder, String value) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put(placeholder, value);
    return new Placeholders(v);
  }

  public Map<String, String> values() {
    return values;
  }

  /** Replaces every known placeholder; unknown ones stay literal. */
  public String apply(String template) {
    String s = template;
    for (Map.Entry<String, String> e : values.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }
}
