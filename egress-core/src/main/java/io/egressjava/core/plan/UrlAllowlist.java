package io.egressjava.core.plan;

import io.egressjava.api.errors.PsrpcCode;
import io.egressjava.api.errors.PsrpcException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The operator's {@code web_url_allowlist}: which pages Chrome may be sent to. A pattern is a URL
 * where {@code *} matches any run of characters (e.g. {@code https://*.example.com/*}); the whole
 * URL must match. No patterns: any http(s) URL, as in the reference.
 */
public final class UrlAllowlist {
  private final List<Pattern> patterns;
  private final List<String> sources;

  public UrlAllowlist(List<String> patterns) {
    this.sources = List.copyOf(patterns);
    this.patterns = patterns.stream().map(UrlAllowlist::compile).toList();
  }

  private static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (re.length() > 0 || glob.startsWith("*")) {
        re.append(".*");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.compile(glob.startsWith("*") ? re.substring(2) : re.toString(), Pattern.CASE_INSENSITIVE);
  }

  public boolean allows(String url) {
    return patterns.isEmpty() || patterns.stream().anyMatch(p -> p.matcher(url).matches());
  }

  /** Throws InvalidArgument naming the key when {@code url} is not allowed (the query is left out: it may hold a token). */
  public void check(String what, String url) {
    if (!allows(url)) {
      int q = url.indexOf('?');
      throw new PsrpcException(PsrpcCode.INVALID_ARGUMENT, what + " not allowed by web_url_allowlist "
          + sources + ": " + (q < 0 ? url : url.substring(0, q)));
    }
  }
}
