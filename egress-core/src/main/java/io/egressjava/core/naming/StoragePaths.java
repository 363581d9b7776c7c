package io.egressjava.core.naming;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical path rules for storage paths (always '/'-separated, whatever the OS).
 *
 * <p>{@link #clean} follows the reference: Go's {@code path.Clean}, then any leading {@code ../}
 * removed, with a trailing {@code /} kept because it means "generate a name in this directory".
 * {@link #resolveUnder} is where a storage path meets the local disk: it can never leave the root.
 */
public final class StoragePaths {
  private StoragePaths() {}

  /** Go's path.Clean: collapse slashes, drop ".", resolve "..", no trailing slash. */
  public static String goClean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!rooted) {
          parts.addLast("..");
        }
        continue;
      }
      parts.addLast(part);
    }
    String joined = String.join("/", parts);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** The reference's clean(): "" for nothing, leading "../" stripped, trailing "/" kept. */
  public static String clean(String path) {
    if (path == null || path.isEmpty()) {
      return "";
    }
    boolean directory = path.endsWith("/");
    String p = goClean(path);
    while (p.startsWith("../")) {
      p = p.substring(3);
    }
    if (p.equals(".") || p.equals("..") || p.isEmpty()) {
      return "";
    }
    if (directory && !p.endsWith("/")) {
      p = p + "/";
    }
    return p;
  }

  /** "a/b/c.ts" → "a/b/"; "c.ts" → "". */
  public static String dir(String path) {
    int i = path.lastIndexOf('/');
    return i < 0 ? "" : path.substring(0, i + 1);
  }

  /** "a/b/c.ts" → "c.ts". */
  public static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Go's path.Join: joins non-empty parts with '/' and cleans; "" when all are empty. */
  public static String join(String... parts) {
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (p == null || p.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(p);
    }
    return b.length() == 0 ? "" : goClean(b.toString());
  }

  /**
   * The local file for a storage path: absolute storage paths are taken relative to the root (as
   * the reference, whose root is "/"), and no path can resolve outside the root.
   */
  public static Path resolveUnder(Path root, String storagePath) {
    String p = goClean("/" + storagePath); // rooted clean: ".." cannot climb above "/"
    Path normalizedRoot = root.toAbsolutePath().normalize();
    Path resolved = normalizedRoot.resolve(p.substring(1)).normalize();
    if (!resolved.startsWith(normalizedRoot)) {
      throw new IllegalArgumentException("storage path " + storagePath + " resolves outside " + normalizedRoot);
    }
    return resolved;
  }
}
