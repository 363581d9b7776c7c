package io.egressjava.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping read key by key. Every read names the full dotted key in its error, and the keys
 * nobody read are reported afterwards as unknown (the reference ignores them silently; we warn).
 */
final class ConfigNode {
  private final String path;
  private final JsonNode node;
  private final Set<String> read = new LinkedHashSet<>();
  private final List<ConfigNode> children = new ArrayList<>();

  ConfigNode(String path, JsonNode node) {
    this.path = path;
    this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    if (!this.node.isMissingNode() && !this.node.isObject()) {
      throw new ConfigException(describe(path.isEmpty() ? "config" : path) + ": expected a mapping of keys, got " + show(this.node));
    }
  }

  boolean isPresent() {
    return !node.isMissingNode();
  }

  String path() {
    return path;
  }

  boolean isMapping(String key) {
    JsonNode v = node.get(key);
    return v != null && v.isObject();
  }

  boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  String key(String k) {
    return path.isEmpty() ? k : path + "." + k;
  }

  private JsonNode raw(String k) {
    read.add(k);
    JsonNode v = node.get(k);
    return v == null || v.isNull() ? null : v;
  }

  /** Marks a key as read without using it (accepted for compatibility, no effect). */
  void ignore(String k) {
    read.add(k);
  }

  ConfigNode child(String k) {
    ConfigNode c = new ConfigNode(key(k), raw(k));
    children.add(c);
    return c;
  }

  String string(String k, String dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (!v.isValueNode()) {
      throw error(k, "expected a string", v);
    }
    return v.asText();
  }

  int integer(String k, int dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(k, "expected an integer", v);
    }
    return v.intValue();
  }

  int port(String k, int dflt) {
    int p = integer(k, dflt);
    if (p < 0 || p > 65535) {
      throw new ConfigException(describe(key(k)) + ": expected a port between 0 and 65535, got " + p);
    }
    return p;
  }

  long longValue(String k, long dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(k, "expected an integer", v);
    }
    return v.longValue();
  }

  double number(String k, double dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw error(k, "expected a number", v);
    }
    return v.doubleValue();
  }

  boolean bool(String k, boolean dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) { // YAML 1.1 words that Go's yaml.v3 accepts for bools
      switch (v.asText().toLowerCase()) {
        case "yes", "y", "on", "true":
          return true;
        case "no", "n", "off", "false":
          return false;
        default:
          break;
      }
    }
    throw error(k, "expected true or false", v);
  }

  Duration duration(String k, Duration dflt) {
    JsonNode v = raw(k);
    if (v == null) {
      return dflt;
    }
    if (!v.isTextual() && !(v.isIntegralNumber() && v.asLong() == 0)) {
      throw error(k, "expected a duration such as 90m, 1h30m or 500ms", v);
    }
    try {
      return Durations.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw error(k, "expected a duration such as 90m, 1h30m or 500ms", v);
    }
  }

  List<String> stringList(String k) {
    JsonNode v = raw(k);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(k, "expected a list of strings", v);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isValueNode()) {
        throw error(k, "expected a list of strings", v);
      }
      out.add(e.asText());
    }
    return List.copyOf(out);
  }

  Map<String, String> stringMap(String k) {
    JsonNode v = raw(k);
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw error(k, "expected a mapping of strings", v);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      if (!e.getValue().isValueNode()) {
        throw new ConfigException(describe(key(k) + "." + e.getKey()) + ": expected a string, got " + show(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return Map.copyOf(out);
  }

  /** One of the allowed values (case-insensitive), returned lower-case. */
  String oneOf(String k, String dflt, List<String> allowed) {
    String s = string(k, dflt);
    if (s == null) {
      return null;
    }
    String lower = s.toLowerCase();
    if (!allowed.contains(lower)) {
      throw new ConfigException(describe(key(k)) + ": expected one of " + String.join(", ", allowed) + ", got \"" + s + "\"");
    }
    return lower;
  }

  ConfigException invalid(String k, String what) {
    return new ConfigException(describe(key(k)) + ": " + what);
  }

  private ConfigException error(String k, String expected, JsonNode got) {
    return new ConfigException(describe(key(k)) + ": " + expected + ", got " + show(got));
  }

  /** Keys present in this mapping (and below) that no reader asked for. */
  List<String> unknownKeys() {
    List<String> unknown = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(f -> {
        if (!read.contains(f)) {
          unknown.add(key(f));
        }
      });
    }
    children.forEach(c -> unknown.addAll(c.unknownKeys()));
    return unknown;
  }

  static String describe(String key) {
    return "config key '" + key + "'";
  }

  private static String show(JsonNode v) {
    if (v.isTextual()) {
      return "\"" + v.asText() + "\"";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    return v.toString();
  }
}
