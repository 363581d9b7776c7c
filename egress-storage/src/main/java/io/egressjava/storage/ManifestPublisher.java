package io.egressjava.storage;

import io.egressjava.api.storage.OutputStore;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.naming.StoragePaths;
import io.egressjava.core.plan.EgressPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uploads an egress's manifest at the end, when the plan asks for one: beside the file output, else
 * in the playlist directory, else in the images directory (protocol.md §4.14).
 */
public final class ManifestPublisher {
  private ManifestPublisher() {}

  /** The storage directory the manifest goes to ("" for the store's root). */
  public static String directory(EgressPlan plan) {
    if (plan.file() != null && plan.file().storagePath() != null) {
      return StoragePaths.dir(plan.file().storagePath());
    }
    if (plan.segments() != null) {
      return plan.segments().names().storageDir();
    }
    if (!plan.images().isEmpty()) {
      return plan.images().get(0).names().storageDir();
    }
    return "";
  }

  /** Writes and uploads the manifest; returns its location, or "" when the plan has none. */
  public static String publish(EgressPlan plan, Manifest manifest, OutputStore store, Path workDir) {
    if (!plan.manifest()) {
      return "";
    }
    try {
      Path local = Files.createDirectories(workDir).resolve(plan.egressId() + ".json");
      Files.writeString(local, manifest.toJson(), StandardCharsets.UTF_8);
      return store.store(local, Manifest.storagePath(directory(plan), plan.egressId()), "application/json", true).location();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
