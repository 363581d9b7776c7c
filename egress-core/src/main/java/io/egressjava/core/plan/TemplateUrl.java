package io.egressjava.core.plan;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The room-composite page URL: the template base with {@code layout}, {@code token} and
 * {@code url} added to its query, keys sorted (protocol.md §4.6).
 */
public final class TemplateUrl {
  private TemplateUrl() {}

  public static String compose(String base, String layout, String token, String wsUrl) {
    return compose(base, layout, token, wsUrl, Map.of());
  }

  /** With more query parameters for the built-in templates (e.g. {@code audio=0}). */
  public static String compose(String base, String layout, String token, String wsUrl, Map<String, String> extra) {
    String fragment = "";
    int hash = base.indexOf('#');
    if (hash >= 0) {
      fragment = base.substring(hash);
      base = base.substring(0, hash);
    }
    Map<String, String> query = new TreeMap<>();
    int q = base.indexOf('?');
    String path = q < 0 ? base : base.substring(0, q);
    if (q >= 0 && q < base.length() - 1) {
      for (String pair : base.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          query.put(pair, "");
        } else {
          query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    query.putAll(extra);
    query.put("layout", layout);
    query.put("token", token);
    query.put("url", wsUrl);
    StringBuilder b = new StringBuilder(path).append('?');
    boolean first = true;
    for (Map.Entry<String, String> e : query.entrySet()) {
      if (!first) {
        b.append('&');
      }
      first = false;
      b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return b.append(fragment).toString();
  }
}
