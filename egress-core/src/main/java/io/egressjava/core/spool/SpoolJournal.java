package io.egressjava.core.spool;

import io.egressjava.api.storage.OutputStore;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import livekit.LivekitEgress.EgressInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one egress has written into its work directory and what of it is stored, appended as it
 * happens (each entry on the disk before the call returns), so that whoever finds the directory
 * after the recording process died — the service when a handler is killed, a restarted service —
 * can finish the job: finalize the files, store them where the request asked and report them.
 *
 * <p>One line per entry, fields URL-encoded and separated by spaces; a line cut short by a crash is
 * ignored when read. Writing never fails the egress: the journal is for recovery only.
 */
public final class SpoolJournal {
  private static final Logger log = LoggerFactory.getLogger(SpoolJournal.class);
  /** The journal's file name in the egress's work directory. */
  public static final String NAME = "journal";

  private final Path file;

  private SpoolJournal(Path file) {
    this.file = file;
  }

  /** The journal of the egress whose work directory is {@code workDir}. */
  public static SpoolJournal in(Path workDir) {
    return new SpoolJournal(workDir.resolve(NAME));
  }

  /** A file output started writing {@code localName} (in the work directory), to be stored at {@code storagePath}. */
  public void fileOpened(String localName, String storagePath, String mime, long startedAtNanos) {
    append("file", localName, storagePath, mime, Long.toString(startedAtNanos));
  }

  /** The file {@code localName} was stored (and its local copy may be gone). */
  public void fileStored(String localName, Stored stored) {
    append("stored", localName, stored.storagePath(), stored.location(), Long.toString(stored.size()),
        Long.toString(stored.durationNanos()), Boolean.toString(stored.backupUsed()));
  }

  /** An HLS segment is complete on disk ({@code localName} relative to the work directory), waiting for upload. */
  public void segmentReady(String localName, long startNanos, double durationSeconds) {
    append("segment", localName, Long.toString(startNanos), Double.toString(durationSeconds));
  }

  /** The HLS segment {@code localName} was stored (its local copy is gone). */
  public void segmentStored(String localName, String storagePath, long size) {
    append("segmentStored", localName, storagePath, Long.toString(size));
  }

  /** The egress's info as it now stands (each change; the last one read wins). */
  public void info(EgressInfo info) {
    append("info", Base64.getEncoder().encodeToString(info.toByteArray()));
  }

  /** A file the egress wrote, and where it was stored if it was. */
  public record SpooledFile(String localName, String storagePath, String mime, long startedAtNanos, Optional<Stored> stored) {}

  /** Where a file went: its path in storage, location, size in bytes and playing time. */
  public record Stored(String storagePath, String location, long size, long durationNanos, boolean backupUsed) {
    /** What a store answered for a file that plays {@code durationNanos}. */
    public static Stored of(OutputStore.Stored stored, long durationNanos) {
      return new Stored(stored.storagePath(), stored.location(), stored.size(), durationNanos, stored.backup());
    }
  }

  /** An HLS segment the egress wrote: where it starts, how long it plays, and where it was stored if it was. */
  public record SpooledSegment(String localName, long startNanos, double durationSeconds, Optional<String> storagePath,
      long size) {}

  /**
   * Everything the journal holds: the files in the order they were opened, the HLS segments in
   * the order they were completed, and the last info.
   */
  public record Contents(List<SpooledFile> files, List<SpooledSegment> segments, Optional<EgressInfo> lastInfo) {}

  /** Reads the journal; an empty one if there is none. */
  public Contents read() throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Contents(List.of(), List.of(), Optional.empty());
    }
    // every entry ends with a newline: what follows the last one was cut short by a crash
    List<String> lines = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
    Map<String, SpooledFile> files = new LinkedHashMap<>();
    Map<String, SpooledSegment> segments = new LinkedHashMap<>();
    EgressInfo info = null;
    for (String line : lines) {
      String[] f = line.split(" ");
      try {
        for (int i = 0; i < f.length; i++) {
          f[i] = URLDecoder.decode(f[i], StandardCharsets.UTF_8);
        }
        switch (f[0]) {
          case "file" -> files.put(f[1], new SpooledFile(f[1], f[2], f[3], Long.parseLong(f[4]), Optional.empty()));
          case "stored" -> {
            SpooledFile opened = files.get(f[1]);
            if (opened != null) {
              files.put(f[1], new SpooledFile(f[1], opened.storagePath(), opened.mime(), opened.startedAtNanos(),
                  Optional.of(new Stored(f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), Boolean.parseBoolean(f[6])))));
            }
          }
          case "segment" -> segments.put(f[1], new SpooledSegment(f[1], Long.parseLong(f[2]), Double.parseDouble(f[3]),
              Optional.empty(), 0));
          case "segmentStored" -> {
            SpooledSegment ready = segments.get(f[1]);
            if (ready != null) {
              segments.put(f[1], new SpooledSegment(f[1], ready.startNanos(), ready.durationSeconds(), Optional.of(f[2]),
                  Long.parseLong(f[3])));
            }
          }
          case "info" -> info = EgressInfo.parseFrom(Base64.getDecoder().decode(f[1]));
          default -> log.debug("unknown journal entry in {}: {}", file, f[0]);
        }
      } catch (RuntimeException | com.google.protobuf.InvalidProtocolBufferException e) {
        log.debug("journal line of {} not read (cut short?): {}", file, e.getMessage());
      }
    }
    return new Contents(new ArrayList<>(files.values()), new ArrayList<>(segments.values()), Optional.ofNullable(info));
  }

  private synchronized void append(String... fields) {
    StringBuilder line = new StringBuilder();
    for (String field : fields) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(URLEncoder.encode(field, StandardCharsets.UTF_8));
    }
    line.append('\n');
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(false); // a node that loses power still knows what was stored
      }
    } catch (IOException e) {
      log.warn("spool journal {} not written: {}", file, e.getMessage());
    }
  }
}
