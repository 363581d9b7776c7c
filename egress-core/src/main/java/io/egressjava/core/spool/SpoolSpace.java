package io.egressjava.core.spool;

import io.egressjava.core.lifecycle.EgressSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Free space in the spool, and which egress gives way when it runs short: the one running egress
 * that holds the most in it (ties: the lowest ID), so that one egress ends with what it recorded
 * while the others go on, instead of every egress failing once the disk is full. Each egress decides
 * for itself from the spool alone (they may run in different processes); all come to the same answer.
 * An egress that has ended (its journal says so) no longer counts: what it left is the operator's.
 */
public final class SpoolSpace {
  private SpoolSpace() {}

  /** Bytes an unprivileged writer can still use on the file system of {@code dir}; -1 if unknown. */
  public static long usable(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Whether the egress of {@code workDir} is the one to give way: of the running egresses' work
   * directories beside it (in {@code workDir}'s parent, the spool), it holds the most bytes.
   */
  public static boolean givesWay(Path workDir) {
    Path spool = workDir.toAbsolutePath().getParent();
    record Held(Path dir, long bytes) {}
    List<Held> running;
    try (Stream<Path> dirs = Files.list(spool)) {
      running = dirs.filter(Files::isDirectory).filter(SpoolSpace::running).map(d -> new Held(d, bytes(d))).toList();
    } catch (IOException | UncheckedIOException e) {
      return true; // the spool cannot be read: the egress that noticed gives way
    }
    return running.stream()
        .max(Comparator.comparingLong(Held::bytes).thenComparing(h -> h.dir().getFileName().toString(), Comparator.reverseOrder()))
        .map(h -> h.dir().getFileName().equals(workDir.getFileName()))
        .orElse(true);
  }

  private static boolean running(Path dir) {
    try {
      return SpoolJournal.in(dir).read().lastInfo().map(i -> !EgressSession.isTerminal(i.getStatus())).orElse(true);
    } catch (IOException e) {
      return true;
    }
  }

  /** The bytes of the regular files under {@code dir}. */
  public static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
