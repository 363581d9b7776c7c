package io.egressjava.storage;

import io.egressjava.api.storage.UploadException;
import io.egressjava.api.storage.Uploader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An uploader for tests that keeps objects in memory and fails when told to: the next uploads with
 * given HTTP statuses (503 retryable, 403 not, as a real backend answers), or every upload until
 * {@link #recover()}. It records every attempt, so tests can check what retries and fallbacks did
 * without a storage server.
 */
public final class FaultyUploader implements Uploader {
  private final String name;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Deque<Integer> nextFailures = new ArrayDeque<>();
  private final List<String> attempts = new CopyOnWriteArrayList<>();
  private volatile int failingWith;

  public FaultyUploader(String name) {
    this.name = name;
  }

  /** The next uploads fail with these HTTP statuses, one each, in order. */
  public synchronized FaultyUploader failNext(Integer... statuses) {
    nextFailures.addAll(List.of(statuses));
    return this;
  }

  /** Every upload fails with {@code status} until {@link #recover()} (an outage). */
  public FaultyUploader failAll(int status) {
    failingWith = status;
    return this;
  }

  public FaultyUploader recover() {
    failingWith = 0;
    return this;
  }

  /** Storage paths of every attempt, in order (failed ones too). */
  public List<String> attempts() {
    return List.copyOf(attempts);
  }

  /** What was stored at {@code storagePath}, or null. */
  public byte[] object(String storagePath) {
    return objects.get(storagePath);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String upload(Path file, String storagePath, String contentType) throws IOException {
    attempts.add(storagePath);
    int status = failingWith;
    synchronized (this) {
      if (status == 0 && !nextFailures.isEmpty()) {
        status = nextFailures.poll();
      }
    }
    if (status != 0) {
      throw new UploadException(name + " answered " + status, status, UploadException.retryableStatus(status));
    }
    objects.put(storagePath, Files.readAllBytes(file));
    return "mem://" + name + "/" + storagePath;
  }
}
