package io.egressjava.server.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A live process's claim on an egress's work directory: a lock on a file in it, which the kernel
 * drops when the process dies however it dies. The handler recording the egress holds it; a
 * service that finds a directory nobody holds knows that whatever wrote it is gone.
 */
public final class SpoolOwner implements AutoCloseable {
  /** The lock file's name in the work directory. */
  public static final String NAME = "owner.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private SpoolOwner(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Claims {@code workDir}; empty if another process (or this one) holds it. */
  public static Optional<SpoolOwner> claim(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    FileChannel channel = FileChannel.open(workDir.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new SpoolOwner(channel, lock));
      }
    } catch (OverlappingFileLockException e) {
      // held within this JVM
    }
    channel.close();
    return Optional.empty();
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel drops the lock regardless
    }
  }
}
