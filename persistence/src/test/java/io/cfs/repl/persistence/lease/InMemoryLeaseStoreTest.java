package io.cfs.repl.persistence.lease;

import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The lease rules for a site of one node: the in-process lease store, fencing a RocksDB store. */
class InMemoryLeaseStoreTest extends LeaseStoreContract {
  @TempDir
  Path dir;
  private final InMemoryLeaseStore leases = new InMemoryLeaseStore("site-a");

  @Override
  LeaseStore leases() {
    return leases;
  }

  @Override
  MetadataStore fencedStore() {
    return RocksDbMetadataStore.open(dir.resolve("store"), StoreSettings.defaults(), leases);
  }
}
