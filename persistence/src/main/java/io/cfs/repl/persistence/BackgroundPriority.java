package io.cfs.repl.persistence;

import com.typesafe.config.Config;
import java.util.Locale;
import org.rocksdb.Env;
import org.rocksdb.Priority;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of RocksDB's flush and compaction threads
 * ({@code cfs-repl.persistence.rocksdb-background-priority}).
 * Their pools belong to the process, shared by every RocksDB it opens (journal, store, audit), so this is set once per
 * process, not per database.
 */
public enum BackgroundPriority {
  NORMAL, LOW;

  static final String KEY = "cfs-repl.persistence.rocksdb-background-priority";

  /** Reads the setting; a value other than normal or low is refused naming the key. */
  public static BackgroundPriority create(Config config) {
    String value = config.getString(KEY);
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KEY + " must be normal or low, was \"" + value + "\"", e);
    }
  }

  /**
   * Gives the process's RocksDB background pools this priority. RocksDB can only lower them: once LOW, they stay low
   * for the life of the process.
   */
  public void applyToProcess() {
    if (this == NORMAL) return;
    RocksDbLibrary.load();
    Env env = Env.getDefault();
    env.lowerThreadPoolCPUPriority(Priority.HIGH); // flushes
    env.lowerThreadPoolCPUPriority(Priority.LOW); // compactions
    LoggerFactory.getLogger(BackgroundPriority.class).info("RocksDB flush and compaction threads at low CPU priority"
        + " ({} = low)", KEY);
  }
}
