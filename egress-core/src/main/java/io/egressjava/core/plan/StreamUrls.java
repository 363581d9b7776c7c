package io.egressjava.core.plan;

import io.egressjava.api.errors.EgressErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Stream URL rules: scheme → output type, mux/twitch shorthands, RTMP shape, stream-key redaction. */
public final class StreamUrls {
  /** rtmp(s)://{host}(/{path})/{app}/{stream_key}( live=1). */
  private static final Pattern RTMP = Pattern.compile("^(rtmps?://)(.*/)(.*/)(\\S*)( live=1)?$");
  private static final String RTMP_FORMAT = "rtmp urls must be of format rtmp(s)://{host}(/{path})/{app}/{stream_key}( live=1)";
  private static final String MUX_INGEST = "rtmps://global-live.mux.com:443/app/";
  /** Twitch's documented global ingest; the reference asks Twitch's ingest API, unreachable here. */
  private static final String TWITCH_INGEST = "rtmp://live.twitch.tv/app/";

  private StreamUrls() {}

  /** A validated stream destination: the URL to use, and the form safe to report and log. */
  public record StreamTarget(String url, String redacted, String streamKey) {}

  /** The output type a URL's scheme implies, or null for an unknown scheme. */
  public static OutputType typeOfScheme(String scheme) {
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "rtmp", "rtmps", "mux", "twitch" -> OutputType.RTMP;
      case "srt" -> OutputType.SRT;
      case "ws", "wss" -> OutputType.RAW;
      default -> null;
    };
  }

  /** The scheme of a URL; throws the reference's "invalid url" error when it does not parse. */
  public static String scheme(String raw) {
    try {
      String scheme = new URI(raw.replace(" live=1", "")).getScheme();
      return scheme == null ? "" : scheme;
    } catch (URISyntaxException e) {
      throw EgressErrors.invalidUrl(raw, e.getReason());
    }
  }

  /** Validates a URL for an output type and rewrites shorthands. */
  public static StreamTarget validate(String raw, OutputType type) {
    String scheme = scheme(raw);
    if (typeOfScheme(scheme) != type) {
      throw EgressErrors.invalidUrl(raw, "invalid scheme");
    }
    if (type != OutputType.RTMP) {
      return new StreamTarget(raw, type == OutputType.RAW ? redactQuery(raw) : raw, "");
    }
    String url = resolve(raw);
    Matcher m = RTMP.matcher(url);
    if (!m.matches()) {
      throw EgressErrors.invalidUrl(raw, RTMP_FORMAT);
    }
    return new StreamTarget(url, redactRtmp(m), m.group(4));
  }

  /** The URL a destination is known by: {@code mux://} and {@code twitch://} shorthands become ingest URLs. */
  public static String resolve(String raw) {
    String lower = raw.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mux://")) {
      return MUX_INGEST + raw.substring("mux://".length());
    }
    if (lower.startsWith("twitch://")) {
      return TWITCH_INGEST + raw.substring("twitch://".length());
    }
    return raw;
  }

  private static String redactRtmp(Matcher m) {
    return m.group(1) + m.group(2) + m.group(3) + redactIdentifier(m.group(4)) + (m.group(5) == null ? "" : m.group(5));
  }

  /** A URL as it may be reported: stream keys, shorthand keys and query values redacted. */
  public static String redact(String url) {
    Matcher m = RTMP.matcher(url);
    if (m.matches()) {
      return redactRtmp(m);
    }
    for (String shorthand : new String[] {"mux://", "twitch://"}) {
      if (url.regionMatches(true, 0, shorthand, 0, shorthand.length())) {
        return url.substring(0, shorthand.length()) + redactIdentifier(url.substring(shorthand.length()));
      }
    }
    return redactQuery(url);
  }

  /** Every non-empty query value replaced by its redacted identifier. */
  static String redactQuery(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return url;
    }
    StringBuilder b = new StringBuilder(url.substring(0, q + 1));
    String[] pairs = url.substring(q + 1).split("&", -1);
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        b.append('&');
      }
      int eq = pairs[i].indexOf('=');
      if (eq < 0 || eq == pairs[i].length() - 1) {
        b.append(pairs[i]);
      } else {
        b.append(pairs[i], 0, eq + 1).append(redactIdentifier(pairs[i].substring(eq + 1)));
      }
    }
    return b.toString();
  }

  /** "{abc...xyz}": up to 3 characters from each end, fewer for short keys, "{...}" under 3. */
  public static String redactIdentifier(String s) {
    for (int i = 3; i > 0; i--) {
      if (s.length() >= i * 3) {
        return "{" + s.substring(0, i) + "..." + s.substring(s.length() - i) + "}";
      }
    }
    return "{...}";
  }
}
