package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import io.cfs.repl.engine.metrics.MeteredJournal;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.journal.PostgresJournal;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.PostgresMetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;

/**
 * A node's journal and metadata store, on the backend {@code cfs-repl.node.storage} names (the cursors follow the
 * same choice through {@link NodeConfig}).
 */
record NodeStorage(LocalJournal journal, MetadataStore store, AutoCloseable database) implements AutoCloseable {

  static NodeStorage open(NodeSettings settings, Config config, ReplicationMetrics metrics) {
    JournalSettings journalSettings = JournalSettings.create(config);
    StoreSettings storeSettings = StoreSettings.create(config);
    String site = settings.siteId();
    if (settings.storage() == NodeSettings.Storage.POSTGRES) {
      PostgresDatabase db = PostgresDatabase.open(PostgresSettings.create(config), "cfs-repl-" + site);
      try {
        LocalJournal journal = new MeteredJournal(PostgresJournal.open(db, site, journalSettings), metrics);
        return new NodeStorage(journal, PostgresMetadataStore.open(db, site, storeSettings), db);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }
    LocalJournal journal = new MeteredJournal(RocksDbJournal.open(settings.dataDir().resolve("journal"), site,
        journalSettings), metrics);
    try {
      return new NodeStorage(journal,
          RocksDbMetadataStore.open(settings.dataDir().resolve("store"), storeSettings), () -> { });
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  @Override
  public void close() {
    journal.close();
    store.close();
    try {
      database.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the storage database", e);
    }
  }
}
