package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import io.cfs.repl.engine.epoch.EpochGatedJournal;
import io.cfs.repl.engine.epoch.WriteGate;
import io.cfs.repl.engine.clock.SiteClock;
import io.cfs.repl.engine.metrics.MeteredJournal;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.persistence.BackgroundPriority;
import io.cfs.repl.persistence.RocksDbSettings;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.PostgresAuditLog;
import io.cfs.repl.persistence.audit.RocksDbAuditLog;
import io.cfs.repl.persistence.guard.StorageThreads;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.journal.PostgresJournal;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.lease.InMemoryLeaseStore;
import io.cfs.repl.persistence.lease.LeaseStore;
import io.cfs.repl.persistence.lease.PostgresLeaseStore;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.PostgresMetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;

/**
 * A node's journal, metadata store and audit log, on the backend {@code cfs-repl.node.storage} names (the cursors
 * follow the same choice through {@link NodeConfig}). The journal every writer sees is metered, clocked, then gated:
 * an append the site's {@link WriteGate} refuses writes nothing, an admitted one is stamped with the admitted epoch,
 * and a durable one moves the site's clock and answers with it.
 */
record NodeStorage(LocalJournal journal, MetadataStore store, LeaseStore leases, AuditLog audit,
                   PostgresDatabase shared) implements AutoCloseable {
  private static final String AUDIT_ROCKSDB = "cfs-repl.persistence.audit.rocksdb";

  static NodeStorage open(NodeSettings settings, Config config, ReplicationMetrics metrics, WriteGate gate,
                          SiteClock clock, StorageFullState storageFull) {
    JournalSettings journalSettings = JournalSettings.create(config);
    StoreSettings storeSettings = StoreSettings.create(config);
    String site = settings.siteId();
    if (settings.storage() == NodeSettings.Storage.POSTGRES) {
      PostgresDatabase db = PostgresDatabase.open(PostgresSettings.create(config), "cfs-repl-" + site);
      try {
        MetadataStore store = PostgresMetadataStore.open(db, site, storeSettings);
        LocalJournal journal = StorageThreads.checked(new MeteredJournal(clock.journal(new EpochGatedJournal(
            PostgresJournal.open(db, site, journalSettings, store::knowledge), gate)), metrics, storageFull));
        return new NodeStorage(journal, StorageThreads.checked(store),
            new PostgresLeaseStore(db, site, leaseLockTimeout(config)),
            StorageThreads.checked(PostgresAuditLog.open(db, site)), db);
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
    }
    BackgroundPriority.create(config).applyToProcess();
    InMemoryLeaseStore leases = new InMemoryLeaseStore(site);
    MetadataStore store = RocksDbMetadataStore.open(settings.dataDir().resolve("store"), storeSettings, leases);
    LocalJournal journal = null;
    AuditLog audit = null;
    try {
      // the journal's writer asks the store what each new entry's origin had seen of its inode
      journal = StorageThreads.checked(new MeteredJournal(clock.journal(new EpochGatedJournal(RocksDbJournal.open(
          settings.dataDir().resolve("journal"), site, journalSettings, store::knowledge), gate)), metrics, storageFull));
      audit = StorageThreads.checked(RocksDbAuditLog.open(settings.dataDir().resolve("audit"), site,
          RocksDbSettings.create(config, AUDIT_ROCKSDB)));
      return new NodeStorage(journal, StorageThreads.checked(store), leases, audit, null);
    } catch (RuntimeException e) {
      if (journal != null) journal.close();
      if (audit != null) audit.close();
      store.close();
      throw e;
    }
  }

  /** Two thirds of the lease's operation timeout: a lease statement gives up waiting for a row before its caller. */
  private static java.time.Duration leaseLockTimeout(Config config) {
    return config.getDuration("cfs-repl.lease.lease-operation-timeout").multipliedBy(2).dividedBy(3);
  }

  /**
   * Fences cursor events once Pekko's journal tables exist: on PostgreSQL a trigger refuses an event whose fence tag
   * is stale. Embedded sites have one node, whose singleton manager never runs two instances in one process.
   */
  void fenceCursorEvents() {
    if (shared != null) PostgresLeaseStore.installJournalFence(shared);
  }

  @Override
  public void close() {
    journal.close();
    store.close();
    audit.close();
    if (shared != null) shared.close();
  }
}
