package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.DirectPuts;
import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.RocksDbHandle;
import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.persistence.StorageFullWarning;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalJournal} on an embedded RocksDB, with group commit.
 *
 * <p>Layout: one key per entry, (shard, seq) as in {@link JournalKeys}; the value is the {@link EntryCodec} encoding.
 * The column family {@code meta} holds the journal's {@link #incarnation()} (16 bytes under the key
 * {@code incarnation}), written once, fsync'd, by the open that finds none.
 *
 * <p>Collection ({@link #collect}) is one range delete per shard, all in one write batch, then the SST files that lie
 * wholly inside the deleted ranges are dropped at once instead of waiting for compaction. Nothing records how far a
 * shard was collected: its lowest key tells, found on open by the same seeks that find the heads, because the head
 * entry is never collected ({@link JournalHorizon}).
 *
 * <p>Write path: {@link #append} checks what needs no state (origin, payload size, call size) on the caller's thread
 * and queues the call. One writer ({@code cfs-journal-writer-<site>}, or the stamper when the writer is idle: see
 * {@link GroupCommitWriter}; never both at once) takes every queued call, validates them in queue order
 * ({@link PendingGroup}), writes the new entries of all accepted calls in one WriteBatch with one fsync, then
 * advances the heads, completes the calls and wakes the tails.
 *
 * <p>Invariants, beyond those of {@link LocalJournal}:
 * <ul>
 *   <li>only the writer writes entries and advances {@code heads}, and only after the write holding them
 *       returned; readers never read past the heads, so they see durable entries only;</li>
 *   <li>{@code heads} holds, for every shard with entries, the seq of its last key (recovered on open);</li>
 *   <li>calls are validated in the order they were queued, so one thread may pipeline appends to its shards;</li>
 *   <li>after a failed write every later append fails: whether that batch reached the disk is unknown, and only a
 *       reopen, which recovers the heads from disk, can tell. Except on a full volume ({@link StorageFullException}):
 *       the failed WAL write left the memtable, hence reads and heads, as they were, so every call of that group
 *       fails and later groups are written once space frees.</li>
 * </ul>
 *
 * <p>Append stages are completed on the writer's thread: stages chained to them without an executor run there and must
 * be short (sending a message, as pipeToSelf does, is fine); blocking in one stalls every append.
 */
public final class RocksDbJournal implements LocalJournal {
  private static final Logger log = LoggerFactory.getLogger(RocksDbJournal.class);

  private static final String META = "meta";
  private static final byte[] INCARNATION_KEY = "incarnation".getBytes(StandardCharsets.UTF_8);

  private final String localSite;
  private final UUID incarnation;
  private final JournalSettings settings;
  private final RocksDbHandle rocks;
  private final WriteOptions writeOptions;
  private final ConcurrentSkipListMap<Integer, Long> heads;
  private final GroupCommitWriter writer;
  private final Lifecycle lifecycle;
  private final FairBatchReader batchReader;
  /** Per shard, the highest seq collected (absent: none); only {@link #collect} raises it, under its lock. */
  private final ConcurrentHashMap<Integer, Long> collectedThrough;
  private final Object collecting = new Object();
  private final TailCache tailCache;
  private volatile CompletableFuture<Void> nextAppend = new CompletableFuture<>();
  private volatile Throwable writeFailure; // set by the writer only
  private final StorageFullWarning fullWarning;

  @FunctionalInterface
  private interface DbAction<T> {
    T apply(RocksDB db) throws RocksDBException;
  }

  private RocksDbJournal(String localSite, JournalSettings settings, RocksDbHandle rocks, Recovered recovered,
                         UUID incarnation, SeenSource seen) {
    this.localSite = localSite;
    this.batchReader = new FairBatchReader(localSite);
    this.collectedThrough = recovered.collectedThrough();
    this.incarnation = incarnation;
    this.settings = settings;
    this.rocks = rocks;
    this.heads = recovered.heads();
    this.tailCache = new TailCache(settings.tailCacheBytes());
    this.lifecycle = new Lifecycle("journal of " + localSite);
    this.fullWarning = new StorageFullWarning(log, "journal of " + localSite);
    this.writeOptions = new WriteOptions().setSync(settings.sync());
    this.writer = new GroupCommitWriter(localSite, settings, seen, new GroupCommitWriter.Committer() {
      @Override
      public void commit(List<GroupCommitWriter.Call> group) {
        RocksDbJournal.this.commit(group);
      }

      @Override
      public void onFailure(Throwable failure) {
        // A full volume wrote nothing (see StorageFullException): the heads still match the disk, later groups may go.
        if (failure instanceof StorageFullException) return;
        writeFailure = failure;
        log.error("Journal of {} failed; appends are refused until the journal is reopened", localSite);
      }
    });
  }

  /** Opens (creating if missing) the journal of {@code localSite} in {@code dir}, stamping nothing seen. */
  public static RocksDbJournal open(Path dir, String localSite, JournalSettings settings) {
    return open(dir, localSite, settings, SeenSource.NONE);
  }

  /**
   * Opens (creating if missing) the journal of {@code localSite} in {@code dir} and recovers its heads; appended
   * entries are stamped with what {@code seen} says the site knows of their inodes.
   */
  public static RocksDbJournal open(Path dir, String localSite, JournalSettings settings, SeenSource seen) {
    JournalEntry.validateSiteId(localSite);
    RocksDbHandle rocks = RocksDbHandle.open(dir, settings.rocksdb(), List.of(META), JournalKeys.SHARD_BYTES);
    try {
      RocksDbJournal journal = new RocksDbJournal(localSite, settings, rocks, recover(rocks.db()),
          incarnation(rocks), seen);
      journal.writer.start();
      log.info("Journal of {} opened in {} with {} shards, incarnation {}", localSite, dir, journal.heads.size(),
          journal.incarnation);
      return journal;
    } catch (RuntimeException e) {
      rocks.close();
      throw e;
    }
  }

  /** The stored incarnation, or a new one written (fsync'd) before the journal takes its first append. */
  private static UUID incarnation(RocksDbHandle rocks) {
    try {
      byte[] held = rocks.db().get(rocks.column(META), INCARNATION_KEY);
      if (held != null) {
        ByteBuffer in = ByteBuffer.wrap(held);
        return new UUID(in.getLong(), in.getLong());
      }
      UUID created = UUID.randomUUID();
      try (WriteOptions sync = new WriteOptions().setSync(true);
           FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
        rocks.db().put(rocks.column(META), sync, INCARNATION_KEY, ByteBuffer.allocate(16)
            .putLong(created.getMostSignificantBits()).putLong(created.getLeastSignificantBits()).array());
        // Written once and never again: left in its memtable, it would keep every write-ahead log file alive from
        // this one on (until max-total-wal-size forced a flush), and the journal's disk would grow while collected.
        rocks.db().flush(wait, rocks.column(META));
      }
      log.info("Journal created with incarnation {}", created);
      return created;
    } catch (RocksDBException e) {
      throw new StorageException("cannot read or create the journal's incarnation", e);
    }
  }

  /** The heads, and how far each shard was collected: the seq before its lowest key. */
  private record Recovered(ConcurrentSkipListMap<Integer, Long> heads,
                           ConcurrentHashMap<Integer, Long> collectedThrough) {
  }

  /**
   * One seek per shard present: to the last key of the shard, then one step to the first key of the next. The first
   * key of each shard is where the iterator stands when it enters the shard.
   */
  private static Recovered recover(RocksDB db) {
    ConcurrentSkipListMap<Integer, Long> heads = new ConcurrentSkipListMap<>();
    ConcurrentHashMap<Integer, Long> collected = new ConcurrentHashMap<>();
    try (RocksIterator it = db.newIterator()) {
      it.seekToFirst();
      while (it.isValid()) {
        int shard = JournalKeys.shard(it.key());
        long lowest = JournalKeys.seq(it.key());
        if (lowest > 1) collected.put(shard, lowest - 1);
        it.seekForPrev(JournalKeys.key(shard, Long.MAX_VALUE));
        heads.put(shard, JournalKeys.seq(it.key()));
        it.next();
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("cannot recover journal heads", e);
    }
    return new Recovered(heads, collected);
  }

  @Override
  public String localSite() {
    return localSite;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    return writer.append(entries);
  }

  private void commit(List<GroupCommitWriter.Call> group) {
    if (writeFailure != null) {
      StorageException failed = new StorageException("journal of " + localSite + " failed earlier", writeFailure);
      group.forEach(call -> call.promise().completeExceptionally(failed));
      return;
    }
    PendingGroup pending = new PendingGroup(this::headSeq, this::lookupOnWriter);
    PendingGroup.Admission admission = pending.admitAll(group);
    if (pending.size() > 0) {
      write(pending.entries());
      tailCache.added(pending.entries()); // before the heads move: a reader that sees a head finds its entry
      heads.putAll(pending.heads());
      CompletableFuture<Void> fired = nextAppend;
      nextAppend = new CompletableFuture<>();
      fired.complete(null);
    }
    admission.complete();
  }

  private static final Comparator<JournalEntry> KEY_ORDER =
      Comparator.comparingInt(JournalEntry::shard).thenComparingLong(JournalEntry::seq);

  private void write(List<JournalEntry> entries) {
    // In key order each memtable insert starts its search where the previous one ended: a group holds runs of
    // consecutive seqs per shard, interleaved as written.
    List<JournalEntry> inKeyOrder = new ArrayList<>(entries);
    inKeyOrder.sort(KEY_ORDER);
    DirectPuts puts = DirectPuts.ofThisThread();
    try (WriteBatch batch = new WriteBatch()) {
      for (JournalEntry e : inKeyOrder) {
        JournalKeys.key(e.shard(), e.seq(), puts.key(JournalKeys.LENGTH));
        EntryCodec.encode(e, puts.value(EntryCodec.encodedSize(e)));
        puts.put(batch, null);
      }
      rocks.db().write(writeOptions, batch);
    } catch (RocksDBException e) {
      StorageException failure = rocks.failure("journal write of " + entries.size() + " entries", e);
      if (failure instanceof StorageFullException full) fullWarning.refused(full);
      throw failure;
    }
  }

  /** The writer needs no lifecycle lock: close() waits for it to stop before releasing the database. */
  private JournalEntry lookupOnWriter(int shard, long seq) {
    try {
      byte[] value = rocks.db().get(JournalKeys.key(shard, seq));
      return value == null ? null : EntryCodec.decode(value);
    } catch (RocksDBException e) {
      throw new StorageException("journal read of " + shard + "/" + seq + " failed", e);
    }
  }

  @Override
  public UUID incarnation() {
    return incarnation;
  }

  @Override
  public long headSeq(int shard) {
    return heads.getOrDefault(shard, 0L);
  }

  @Override
  public Map<Integer, Long> heads() {
    return Map.copyOf(heads);
  }

  @Override
  public List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
    AppendChecks.requireArgument(fromSeq >= 1, "fromSeq must be >= 1, was " + fromSeq);
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    ShardScan.Range range = new ShardScan.Range(shard, fromSeq, headSeq(shard));
    return withDb(db -> {
      if (fromSeq > range.head()) return List.of();
      JournalHorizon.checkRead(localSite, shard, fromSeq, collectedThrough(shard));
      List<JournalEntry> entries = new ArrayList<>();
      try (ShardScan.Pass pass = new RocksDbShardScan(db).open(List.of(range), maxEntries)) {
        pass.scan(range, maxEntries, e -> {
          JournalHorizon.checkOffered(localSite, shard, fromSeq + entries.size(), e, entries.isEmpty());
          return entries.add(e);
        });
      }
      if (entries.isEmpty()) JournalHorizon.checkOffered(localSite, shard, fromSeq, null, true);
      return entries;
    });
  }

  /** Reads only up to the heads, which the writer advances after the write returned: durable entries only. */
  @Override
  public List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    JournalHorizon.checkPositions(localSite, heads, positions, this::collectedThrough);
    return withDb(db -> batchReader.read(heads, positions, maxEntries, maxBytes,
        tailCache.over(new RocksDbShardScan(db))));
  }

  @Override
  public long horizon(int shard) {
    return collectedThrough(shard) + 1;
  }

  private long collectedThrough(int shard) {
    return collectedThrough.getOrDefault(shard, 0L);
  }

  /**
   * One write batch of range deletes, written like an append (synced if appends are), then the horizons move; then
   * the SST files wholly inside the deleted ranges are dropped (best effort: compaction reclaims them otherwise). A
   * reader that checked a horizon just before it moved finds the entries gone in storage and fails the same way.
   */
  @Override
  public long collect(Map<Integer, Long> upToInclusive) {
    synchronized (collecting) {
      Map<Integer, Long> plan = JournalHorizon.plan(upToInclusive, this::headSeq, this::collectedThrough);
      if (plan.isEmpty()) return 0;
      return withDb(db -> {
        long removed = 0;
        List<byte[]> ranges = new ArrayList<>(plan.size() * 2);
        try (WriteBatch batch = new WriteBatch()) {
          for (Map.Entry<Integer, Long> p : plan.entrySet()) {
            long from = collectedThrough(p.getKey()) + 1;
            batch.deleteRange(JournalKeys.key(p.getKey(), from), JournalKeys.key(p.getKey(), p.getValue() + 1));
            ranges.add(JournalKeys.key(p.getKey(), from));
            ranges.add(JournalKeys.key(p.getKey(), p.getValue()));
            removed += p.getValue() - from + 1;
          }
          db.write(writeOptions, batch);
        } catch (RocksDBException e) {
          throw rocks.failure("journal collection of " + plan.size() + " shards", e);
        }
        collectedThrough.putAll(plan);
        try {
          db.deleteFilesInRanges(db.getDefaultColumnFamily(), ranges, true);
        } catch (RocksDBException e) {
          log.warn("Journal of {}: dropping the files of collected entries failed, compaction will reclaim them: {}",
              localSite, e.toString());
        }
        return removed;
      });
    }
  }

  /**
   * Bytes: the SST files on disk (every live version's, so files a running read still holds count until it ends) plus
   * the memtables. Oldest: a point read of the lowest entry held in each shard.
   */
  @Override
  public JournalFootprint footprint() {
    return withDb(db -> {
      long oldest = 0;
      long sampledBytes = 0;
      int samples = 0;
      for (Map.Entry<Integer, Long> head : heads.entrySet()) {
        byte[] key = JournalKeys.key(head.getKey(), horizon(head.getKey()));
        byte[] value = db.get(key);
        if (value == null) continue; // collected meanwhile: the next lowest is younger, and this is an estimate
        long hlc = EntryCodec.decode(value).hlc();
        if (oldest == 0 || hlc < oldest) oldest = hlc;
        sampledBytes += key.length + value.length;
        samples++;
      }
      long entries = JournalHorizon.entriesHeld(heads, this::collectedThrough);
      // What the journal holds, not what its files take: the files shrink only as compaction reclaims what was
      // collected, and the memtables are allocated in blocks, so a retention cap on them would drop peers that hold
      // nothing back. The entries held times the mean size of one entry per shard (the oldest held) follows every
      // collection at once.
      long bytes = samples == 0 ? 0 : entries * sampledBytes / samples;
      return new JournalFootprint(entries, bytes, oldest);
    });
  }

  @Override
  public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries,
                                                  LongSupplier maxBytes, Executor reads) {
    return TailStage.batches(positions, maxEntries, maxBytes, this::readHeldBatch, this::readBatch, reads,
        () -> nextAppend, tailCache);
  }

  /** {@link #readBatch} from the tail cache alone, null if part of it is only on disk: no lock, no disk, no wait. */
  private List<JournalEntry> readHeldBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    JournalHorizon.checkPositions(localSite, heads, positions, this::collectedThrough);
    return tailCache.readHeld(batchReader, heads, positions, maxEntries, maxBytes);
  }

  @Override
  public OptionalLong hlcAt(int shard, long seq) {
    if (seq < 1 || seq > headSeq(shard)) return OptionalLong.empty();
    byte[] value = withDb(db -> db.get(JournalKeys.key(shard, seq)));
    return value == null ? OptionalLong.empty() : OptionalLong.of(EntryCodec.decode(value).hlc());
  }

  private <T> T withDb(DbAction<T> action) {
    return lifecycle.guarded(() -> {
      try {
        return action.apply(rocks.db());
      } catch (RocksDBException e) {
        throw new StorageException("journal operation failed", e);
      }
    });
  }

  /**
   * Stops accepting appends, completes every append already queued, fails waiting tails, then releases RocksDB.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!lifecycle.close()) return;
    writer.stop();
    nextAppend.completeExceptionally(new IllegalStateException("journal of " + localSite + " closed"));
    writeOptions.close();
    rocks.close();
    log.info("Journal of {} closed", localSite);
  }
}
