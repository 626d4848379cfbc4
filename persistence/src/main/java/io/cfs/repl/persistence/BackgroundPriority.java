package io.cfs.repl.persistence;

import com.typesafe.config.Config;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.Env;
import org.rocksdb.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of RocksDB's flush and compaction threads
 * ({@code cfs-repl.persistence.rocksdb-background-priority}).
 * Their pools belong to the process, shared by every RocksDB it opens (journal, store, audit), so this is set once per
 * process, not per database: the first node of a JVM that asks for low decides it for the JVM. Linux only (nice);
 * elsewhere RocksDB leaves the threads as they are.
 */
public enum BackgroundPriority {
  NORMAL, LOW;

  static final String KEY = "cfs-repl.persistence.rocksdb-background-priority";
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);
  private static final AtomicBoolean lowered = new AtomicBoolean();

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
    if (this == NORMAL) {
      if (lowered.get()) log.warn("{} = normal, but this JVM's RocksDB background threads were already lowered", KEY);
      return;
    }
    if (lowered.getAndSet(true)) return;
    RocksDbLibrary.load();
    Env env = Env.getDefault();
    env.lowerThreadPoolCPUPriority(Priority.HIGH); // flushes
    env.lowerThreadPoolCPUPriority(Priority.LOW); // compactions
    log.info("RocksDB flush and compaction threads at low CPU priority ({} = low)", KEY);
  }
}
