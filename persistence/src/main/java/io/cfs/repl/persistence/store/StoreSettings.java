package io.cfs.repl.persistence.store;

import static io.cfs.repl.persistence.Settings.require;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.persistence.RocksDbSettings;

/**
 * Settings of the metadata store, from {@code cfs-repl.persistence.store} (documented in reference.conf).
 *
 * @param sync whether each apply is fsync'd before it returns
 * @param rocksdb storage engine tuning
 * @param versionCacheSlots the most slots the embedded store's cache of inode versions grows to (a power of two; 0:
 *     off); {@code auto} in the config: {@link #autoVersionCacheSlots} of this JVM's maximum heap
 */
public record StoreSettings(boolean sync, RocksDbSettings rocksdb, int versionCacheSlots) {
  public static final String PATH = "cfs-repl.persistence.store";

  public StoreSettings {
    require(rocksdb != null, PATH + ".rocksdb is required");
    require(versionCacheSlots >= 0 && Integer.bitCount(versionCacheSlots) <= 1,
        PATH + ".version-cache-slots must be 0 or a power of two, was " + versionCacheSlots);
  }

  /** Reads {@value #PATH} from the application config (reference.conf holds the defaults). */
  public static StoreSettings create(Config config) {
    Config c = config.getConfig(PATH);
    return new StoreSettings(c.getBoolean("sync"), RocksDbSettings.create(config, PATH + ".rocksdb"),
        versionCacheSlots(c));
  }

  /** A number may come as a string (a system property always does). */
  private static int versionCacheSlots(Config c) {
    if ("auto".equals(c.getValue("version-cache-slots").unwrapped())) {
      return autoVersionCacheSlots(Runtime.getRuntime().maxMemory());
    }
    try {
      return c.getInt("version-cache-slots");
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(PATH + ".version-cache-slots must be auto or a number of slots, was "
          + c.getValue("version-cache-slots").unwrapped(), e);
    }
  }

  /** As many slots of 32 bytes as fit in an eighth of {@code maxHeapBytes}, rounded down to a power of two. */
  public static int autoVersionCacheSlots(long maxHeapBytes) {
    long slots = Math.max(1, Math.min(VersionCache.MAX_SLOTS, maxHeapBytes / 8 / 32));
    return Integer.highestOneBit((int) slots);
  }

  /** The defaults of reference.conf. */
  public static StoreSettings defaults() {
    return create(ConfigFactory.defaultReference());
  }
}
