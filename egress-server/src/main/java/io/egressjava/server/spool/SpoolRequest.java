package io.egressjava.server.spool;

import io.egressjava.api.rpc.StartEgressRequest;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The request of an egress, kept in its work directory from the moment it goes to a handler: a
 * service restarted after a crash plans it again from here (same instant, same file names) to
 * finish and report what the egress left. It holds the request's storage credentials, so only its
 * owner may read it.
 */
public final class SpoolRequest {
  /** The file's name in the work directory. */
  public static final String NAME = "request";

  private SpoolRequest() {}

  /** A saved request, and the instant (ns since the epoch) it was planned at. */
  public record Saved(long plannedAt, StartEgressRequest request) {}

  /** Saves {@code request} in {@code workDir} (whole or not at all). */
  public static void write(Path workDir, long plannedAt, StartEgressRequest request) throws IOException {
    Files.createDirectories(workDir);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(plannedAt);
      out.write(request.toByteArray());
    }
    Path tmp = Files.createTempFile(workDir, NAME, ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, bytes.toByteArray());
    Files.move(tmp, workDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The request saved in {@code workDir}, if there is one that can be read (none, or cut short: empty). */
  public static Optional<Saved> read(Path workDir) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(workDir.resolve(NAME)))) {
      long plannedAt = in.readLong();
      return Optional.of(new Saved(plannedAt, StartEgressRequest.parseFrom(in.readAllBytes())));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
