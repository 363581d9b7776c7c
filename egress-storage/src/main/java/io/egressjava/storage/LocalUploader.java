package io.egressjava.storage;

import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import io.egressjava.core.naming.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Local disk: the file is copied to the storage path under an output root (the reference's root is
 * "/"). The location is the absolute path. No path can leave the root.
 */
public final class LocalUploader implements Uploader {
  private final Path root;

  public LocalUploader(Path root) {
    this.root = root;
  }

  @Override
  public String name() {
    return "Local";
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    Path target;
    try {
      target = StoragePaths.resolveUnder(root, storagePath);
    } catch (IllegalArgumentException e) {
      throw new UploadException(e.getMessage(), 0, false);
    }
    if (target.equals(file.toAbsolutePath().normalize())) {
      return target.toString();
    }
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target.toString();
  }
}
