package io.cfs.repl.engine.storage;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.StorageFullException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether this node's journal or store is refusing writes because its volume is full, as the writers find out: a
 * refusal ({@link StorageFullException}) marks the storage full and is counted, the next write of that storage that
 * gets through clears it. Health and status read it while it lasts. Thread-safe; never blocks.
 */
public final class StorageFullState {
  /** Which storage of the node refused. */
  public enum Storage {
    JOURNAL, STORE;

    /** As metrics label it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A storage refusing writes: since when (first refusal since it last wrote) and on which data dir. */
  public record Full(Storage storage, Path dataDir, long sinceMillis) {
    /** For health and status: what an operator needs to act on. */
    public String reason() {
      return "storage full: the " + storage.label() + " refuses writes, no space left on the volume of " + dataDir;
    }
  }

  private final ReplicationMetrics metrics;
  private final Map<Storage, Full> full = new ConcurrentHashMap<>();

  public StorageFullState(ReplicationMetrics metrics) {
    this.metrics = metrics;
  }

  /** A write of {@code storage} failed with {@code failure}: if for lack of space, marks it full and counts it. */
  public void failed(Storage storage, Throwable failure) {
    StorageFullException refused = StorageFullException.find(failure);
    if (refused == null) return;
    full.putIfAbsent(storage, new Full(storage, refused.dataDir(), System.currentTimeMillis()));
    metrics.onStorageFull(storage.label());
  }

  /** A write of {@code storage} got through: space was found, it is no longer full. */
  public void wrote(Storage storage) {
    full.remove(storage);
  }

  /** The storages refusing writes now, journal first. */
  public List<Full> current() {
    return full.values().stream().sorted((a, b) -> a.storage().compareTo(b.storage())).toList();
  }
}
