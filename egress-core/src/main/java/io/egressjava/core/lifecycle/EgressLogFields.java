package io.egressjava.core.lifecycle;

import io.egressjava.core.plan.EgressPlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a log line of an egress carries as fields, as the Go egress's lines do: {@code egressID},
 * {@code roomName}, {@code requestType}. An egress's many threads are named after it (e.g.
 * {@code composite-decode-EG_…}), and the service's shared threads name it in their messages; the
 * room and the kind come from its plan, registered when it starts. The last
 * {@value #REMEMBERED} egresses are kept, so that lines written after one ended still carry them.
 */
public final class EgressLogFields {
  /** How many egresses are remembered (a node runs far fewer at once). */
  static final int REMEMBERED = 1024;
  private static final Pattern EGRESS_ID = Pattern.compile("EG_[A-Za-z0-9]{4,}");
  private static final Map<String, Fields> BY_ID = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Fields> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** A line's fields; room and kind are "" for an egress not registered in this process. */
  public record Fields(String egressId, String roomName, String requestType) {}

  private EgressLogFields() {}

  /** An egress starts in this process: its lines carry its room and kind from now on. */
  public static void register(EgressPlan plan) {
    synchronized (BY_ID) {
      BY_ID.put(plan.egressId(), new Fields(plan.egressId(), plan.roomName(), plan.requestType().label()));
    }
  }

  /**
   * The egress a line is about: the one its thread is named after, else the first its message names,
   * else {@code mdcEgressId} (a handler's egress thread sets it); empty when none.
   */
  public static Optional<Fields> of(String threadName, String message, String mdcEgressId) {
    String id = firstId(threadName);
    if (id == null) {
      id = firstId(message);
    }
    if (id == null && mdcEgressId != null && !mdcEgressId.isEmpty()) {
      id = mdcEgressId;
    }
    if (id == null) {
      return Optional.empty();
    }
    Fields known;
    synchronized (BY_ID) {
      known = BY_ID.get(id);
    }
    return Optional.of(known != null ? known : new Fields(id, "", ""));
  }

  private static String firstId(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = EGRESS_ID.matcher(text);
    return m.find() ? m.group() : null;
  }
}
