package io.cfs.repl.persistence.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The metadata store rules on RocksDB. */
class RocksDbMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  MetadataStore open(String name) {
    return RocksDbMetadataStore.open(dir.resolve(name), StoreSettings.defaults());
  }

  @Override
  long viewsHeld() {
    return ((RocksDbMetadataStore) store).unreleasedSnapshots();
  }
}
