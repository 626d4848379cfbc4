package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One simulated site on the production path: a RocksDB journal whose group-commit writer stamps each entry from the
 * site's RocksDB store ({@link MetadataStore#knowledge}), the store, and the clock of the site's metadata service.
 */
final class SimSite implements AutoCloseable {
  /** The defaults without fsync: no crash is simulated, and fsyncs per step made the runs twice as long. */
  private static final JournalSettings UNSYNCED = unsynced(JournalSettings.defaults());

  final String id;
  final RocksDbMetadataStore store;
  final RocksDbJournal journal;
  final SimClock clock;

  SimSite(Path dir, String id, SimClock clock) {
    this.id = id;
    this.clock = clock;
    this.store = RocksDbMetadataStore.open(dir.resolve(id + "-store"), StoreSettings.defaults());
    RocksDbJournal opened;
    try {
      opened = RocksDbJournal.open(dir.resolve(id + "-journal"), id, UNSYNCED, store::knowledge);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    this.journal = opened;
  }

  /** Appends {@code entries} in one call and waits until the writer has stamped and written them. */
  void append(List<JournalEntry> entries) {
    try {
      journal.append(entries).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(id + " could not append " + entries, e);
    }
  }

  /** The entries of {@code origin}'s journal beyond this site's watermark of it, per shard, up to {@code max}. */
  List<JournalEntry> pending(SimSite origin, int shard, int max) {
    return origin.journal.read(shard, store.watermark(origin.id, shard) + 1, max);
  }

  /** Applies a batch of {@code origin}'s; the service's clock observes every hlc the site applied. */
  ApplyResult apply(String origin, List<JournalEntry> batch) {
    ApplyResult result = store.apply(origin, batch, Durability.ASYNC);
    batch.forEach(e -> clock.observe(e.hlc()));
    return result;
  }

  private static JournalSettings unsynced(JournalSettings d) {
    return new JournalSettings(d.maxPayloadBytes(), d.maxAppendEntries(), false, d.tailCacheBytes(), d.maxClockOffset(),
        d.rocksdb());
  }

  /** Every entry of this site's journal, shard by shard. */
  List<JournalEntry> history() {
    List<JournalEntry> all = new ArrayList<>();
    journal.heads().forEach((shard, head) -> all.addAll(journal.read(shard, 1, Math.toIntExact(head))));
    return all;
  }

  @Override
  public void close() {
    try {
      journal.close(); // first: its writer reads the store
    } finally {
      store.close();
    }
  }
}
