package io.egressjava.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Work directories that go away with their egress (browser profiles, a handler's files). */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Removes {@code dir} and everything below it; nothing if it does not exist. Throws if it is still
   * there afterwards (a file it could not remove, or one written into it meanwhile).
   */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause(); // a file went while the tree was walked
    }
    if (Files.exists(dir)) {
      try (Stream<Path> left = Files.walk(dir)) {
        throw new IOException("still there after deleting: " + left.limit(5).toList());
      }
    }
  }
}
