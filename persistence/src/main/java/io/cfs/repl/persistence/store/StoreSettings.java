package io.cfs.repl.persistence.store;

import static io.cfs.repl.persistence.Settings.require;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.persistence.RocksDbSettings;

/**
 * Settings of the metadata store, from {@code cfs-repl.persistence.store} (documented in reference.conf).
 *
 * @param sync whether each apply is fsync'd before it returns
 * @param rocksdb storage engine tuning
 */
public record StoreSettings(boolean sync, RocksDbSettings rocksdb) {
  public static final String PATH = "cfs-repl.persistence.store";

  public StoreSettings {
    require(rocksdb != null, PATH + ".rocksdb is required");
  }

  /** Reads {@value #PATH} from the application config (reference.conf holds the defaults). */
  public static StoreSettings create(Config config) {
    Config c = config.getConfig(PATH);
    return new StoreSettings(c.getBoolean("sync"), RocksDbSettings.create(config, PATH + ".rocksdb"));
  }

  /** The defaults of reference.conf. */
  public static StoreSettings defaults() {
    return create(ConfigFactory.defaultReference());
  }
}
