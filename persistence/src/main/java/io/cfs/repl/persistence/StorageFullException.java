package io.cfs.repl.persistence;

import java.nio.file.Path;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * A write refused because the volume holding {@code dataDir} is full (ENOSPC). Nothing of the write is visible or
 * acknowledged: RocksDB writes a batch to its WAL before its memtable, and a failed WAL write leaves the memtable as
 * it was. The storage object stays open and reads keep working; the same write succeeds once space frees (RocksDB's
 * error handler resumes the database on its own once {@link #resumeFreeBytes} are free, see {@link RocksDbHandle}).
 */
public final class StorageFullException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final transient Path dataDir;
  private final long resumeFreeBytes;

  /**
   * @param what the refused operation ("journal write of 32 entries")
   * @param resumeFreeBytes the free space RocksDB waits for before it resumes writes: its largest write buffer
   */
  public StorageFullException(String what, Path dataDir, long resumeFreeBytes, Throwable cause) {
    super(what + " refused: no space left on the volume of " + dataDir + "; writes resume, without a restart, once "
        + (resumeFreeBytes >> 20) + " MiB are free there", cause);
    this.dataDir = dataDir;
    this.resumeFreeBytes = resumeFreeBytes;
  }

  /** The free space on the volume after which writes resume (RocksDB's heuristic: one write buffer). */
  public long resumeFreeBytes() {
    return resumeFreeBytes;
  }

  /** The data directory whose volume is full, for operators to free space on. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether RocksDB refused for lack of space: IOError/NoSpace, as it reports ENOSPC from a write or a flush. */
  public static boolean isNoSpace(RocksDBException e) {
    Status status = e.getStatus();
    if (status != null && status.getSubCode() == Status.SubCode.NoSpace) return true;
    // The background error a stopped database returns keeps the original text but not always the subcode.
    String message = e.getMessage();
    return message != null && message.contains("No space left on device");
  }

  /** The {@link StorageFullException} in the cause chain of {@code failure}, or null if it has none. */
  public static StorageFullException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StorageFullException full) return full;
    }
    return null;
  }
}
