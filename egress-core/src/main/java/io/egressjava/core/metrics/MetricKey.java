package io.egressjava.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A labeled metric's name in a Dropwizard registry, which has no labels of its own:
 * {@code family{name=value,name=value}}. Label values are cleaned of the characters that delimit
 * them, so every key parses back into its family and labels.
 */
public record MetricKey(String family, Map<String, String> labels) {

  /** {@code labels} alternate names and values: ("track", "TR_x", "kind", "audio"). */
  public static String of(String family, String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException(family + ": labels must come as name, value pairs");
    }
    if (labels.length == 0) {
      return family;
    }
    StringBuilder b = new StringBuilder(family).append('{');
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(labels[i]).append('=').append(clean(labels[i + 1]));
    }
    return b.append('}').toString();
  }

  public static MetricKey parse(String key) {
    int open = key.indexOf('{');
    if (open < 0) {
      return new MetricKey(key, Map.of());
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : key.substring(open + 1, key.length() - 1).split(",")) {
      int eq = pair.indexOf('=');
      labels.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return new MetricKey(key.substring(0, open), labels);
  }

  /** A label value without the key's delimiters or whitespace (the link's text format splits on it). */
  public static String clean(String value) {
    if (value == null || value.isEmpty()) {
      return "none";
    }
    StringBuilder b = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      b.append(c == ',' || c == '=' || c == '{' || c == '}' || Character.isWhitespace(c) ? '_' : c);
    }
    return b.toString();
  }
}
