package io.egressjava.server.handler;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application class-data sharing archive for handler JVMs (JDK 17 dynamic AppCDS): the classes a
 * handler loads to record, parsed and verified once and mapped by every handler after that, which
 * takes about a quarter off a cold handler's start. It is made on first need by a training run of
 * the handler's warm-up ({@code HandlerMain --train}), kept under {@code java.io.tmpdir} by a hash of
 * the JVM and the class path (jar sizes and times included), so a rebuilt or moved installation
 * makes a new one. Only a class path of jars can be archived; otherwise handlers run without.
 */
final class ClassDataArchive {
  private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);
  private static final long TRAIN_SECONDS = 60;
  private static final Path NICE = Path.of("/usr/bin/nice");

  private final Path file;
  private volatile Process training;

  private ClassDataArchive(Path file) {
    this.file = file;
  }

  /** The archive for this JVM and class path, or null when the class path cannot be archived. */
  static ClassDataArchive forClassPath(String classPath) {
    List<Path> entries = new ArrayList<>();
    for (String e : classPath.split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (!e.endsWith(".jar") || !Files.isRegularFile(p)) {
        return null; // directories (a build's classes) are not archived by the JVM
      }
      entries.add(p);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((System.getProperty("java.home") + "\n" + Runtime.version()).getBytes(StandardCharsets.UTF_8));
      for (Path p : entries) {
        hash(sha, p);
        Path lib = p.toAbsolutePath().resolveSibling("lib"); // the packaged jar's Class-Path
        if (Files.isDirectory(lib)) {
          try (var files = Files.list(lib)) {
            for (Path f : files.sorted().toList()) {
              hash(sha, f);
            }
          }
        }
      }
      String name = "handler-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16) + ".jsa";
      return new ClassDataArchive(Path.of(System.getProperty("java.io.tmpdir"), "egress-java-cds", name));
    } catch (IOException | NoSuchAlgorithmException e) {
      log.debug("no class-data archive: {}", e.getMessage());
      return null;
    }
  }

  private static void hash(MessageDigest sha, Path p) throws IOException {
    sha.update((p.toAbsolutePath() + "\n" + Files.size(p) + "\n" + Files.getLastModifiedTime(p).toMillis() + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The training run while it runs (nice's process; the JVM is its child). */
  Optional<ProcessHandle> trainingRun() {
    Process p = training;
    return p != null && p.isAlive() ? Optional.of(p.toHandle()) : Optional.empty();
  }

  boolean exists() {
    return Files.isRegularFile(file);
  }

  /** The JVM option that maps the archive (only once it exists). */
  String useOption() {
    return "-XX:SharedArchiveFile=" + file;
  }

  /**
   * Makes the archive with a training run of {@code command} (a handler's java command line, to
   * which the dump option and {@code --train} are added); blocking, a few seconds. Failures are
   * logged: handlers then start without it.
   */
  void train(List<String> command) {
    Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    List<String> cmd = new ArrayList<>(command);
    cmd.add(1, "-XX:ArchiveClassesAtExit=" + tmp);
    cmd.add(1, "-Xlog:cds=off,cds+dynamic=off"); // e.g. "Skipping ...: Signed JAR" for every BouncyCastle class
    cmd.add("--train");
    if (Files.isExecutable(NICE)) {
      // made while the first egress records (measured: 16 s of a core on a loaded 2-core machine);
      // the live egress comes first, the archive only speeds up later starts
      cmd.addAll(0, List.of(NICE.toString(), "-n", "10"));
    }
    long start = System.nanoTime();
    try {
      Files.createDirectories(file.getParent());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      training = p;
      if (!p.waitFor(TRAIN_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("training run still going after " + TRAIN_SECONDS + " s");
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
        throw new IOException("training run ended with " + p.exitValue() + " and no archive");
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.info("class-data archive for handlers made in {} ms: {}", (System.nanoTime() - start) / 1_000_000, file);
    } catch (IOException e) {
      log.warn("no class-data archive for handlers ({}); they start without", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      training = null;
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover temporary file is harmless
      }
    }
  }
}
