package io.cfs.repl.persistence.audit;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.RocksDbHandle;
import io.cfs.repl.persistence.RocksDbSettings;
import io.cfs.repl.persistence.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditLog} on an embedded RocksDB of its own (the node's {@code data-dir/audit}): records in the
 * {@code records} column family under (atMillis, id) keys ({@link AuditCodec}), so a time range is one key range read
 * backwards; the next id and the record count in the default column family.
 *
 * <p>Invariants, beyond those of {@link AuditLog}:
 * <ul>
 *   <li>writes (records and deletions) run one at a time (one lock) and each is one fsync'd write batch that also
 *       stores the next id and the count, so both always equal what the records column holds;</li>
 *   <li>a query reads at most {@code scanBudget} keys, then answers the page it has with a {@code next} that continues
 *       the scan, so a filter that matches little never holds a storage thread for long;</li>
 *   <li>retention deletes at most {@code deleteChunk} records per write batch (a key range from the oldest), releasing
 *       the lock between batches, so recording is never held up for long.</li>
 * </ul>
 */
public final class RocksDbAuditLog implements AuditLog {
  private static final Logger log = LoggerFactory.getLogger(RocksDbAuditLog.class);
  private static final String RECORDS = "records";
  private static final byte[] NEXT_ID = "next-id".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COUNT = "count".getBytes(StandardCharsets.UTF_8);
  static final int SCAN_BUDGET = 100_000;
  static final int DELETE_CHUNK = 10_000;

  @FunctionalInterface
  private interface DbAction<T> {
    T apply(RocksDB db) throws RocksDBException;
  }

  private final String site;
  private final RocksDbHandle rocks;
  private final ColumnFamilyHandle records;
  private final ColumnFamilyHandle meta;
  private final WriteOptions syncWrites = new WriteOptions().setSync(true);
  private final Lifecycle lifecycle;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final int scanBudget;
  private final int deleteChunk;
  private long nextId; // guarded by writeLock
  private long count; // guarded by writeLock

  private RocksDbAuditLog(String site, RocksDbHandle rocks, int scanBudget, int deleteChunk) throws RocksDBException {
    this.site = site;
    this.rocks = rocks;
    this.records = rocks.column(RECORDS);
    this.meta = rocks.db().getDefaultColumnFamily();
    this.lifecycle = new Lifecycle("audit log of " + site);
    this.scanBudget = scanBudget;
    this.deleteChunk = deleteChunk;
    this.nextId = readLong(NEXT_ID, 1);
    this.count = readLong(COUNT, 0);
  }

  /** Opens (creating if missing) the audit log of {@code site} in {@code dir}. */
  public static RocksDbAuditLog open(Path dir, String site, RocksDbSettings settings) {
    return open(dir, site, settings, SCAN_BUDGET, DELETE_CHUNK);
  }

  static RocksDbAuditLog open(Path dir, String site, RocksDbSettings settings, int scanBudget, int deleteChunk) {
    JournalEntry.validateSiteId(site);
    RocksDbHandle rocks = RocksDbHandle.open(dir, settings, List.of(RECORDS));
    try {
      RocksDbAuditLog audit = new RocksDbAuditLog(site, rocks, scanBudget, deleteChunk);
      log.info("Audit log of site {} opened in {} with {} records", site, dir, audit.count);
      return audit;
    } catch (RocksDBException | RuntimeException e) {
      rocks.close();
      throw e instanceof RuntimeException r ? r : new StorageException("cannot read the audit log in " + dir, e);
    }
  }

  private long readLong(byte[] key, long absent) throws RocksDBException {
    byte[] value = rocks.db().get(meta, key);
    return value == null ? absent : ByteBuffer.wrap(value).getLong();
  }

  @Override
  public String site() {
    return site;
  }

  @Override
  public List<AuditRecord> record(List<AuditRecord> batch) {
    AuditLogs.requireSite(site, batch);
    if (batch.isEmpty()) return List.of();
    return withDb(db -> {
      writeLock.lock();
      try {
        List<AuditRecord> stored = new ArrayList<>(batch.size());
        long id = nextId;
        try (WriteBatch write = new WriteBatch()) {
          for (AuditRecord r : batch) {
            AuditRecord withId = r.withId(id++);
            write.put(records, AuditCodec.key(withId.atMillis(), withId.id()), AuditCodec.encode(withId));
            stored.add(withId);
          }
          write.put(meta, NEXT_ID, longBytes(id));
          write.put(meta, COUNT, longBytes(count + batch.size()));
          db.write(syncWrites, write);
        }
        nextId = id;
        count += batch.size();
        return stored;
      } finally {
        writeLock.unlock();
      }
    });
  }

  /** Reads backwards from the page's upper bound (until, or the cursor) down to since. */
  @Override
  public AuditPage query(AuditQuery query) {
    byte[] upper = AuditCodec.key(query.untilMillis(), 0); // ids start at 1: every key of that millisecond is above
    if (query.after() != null) {
      byte[] cursor = AuditCodec.key(query.after().atMillis(), query.after().id());
      if (Arrays.compareUnsigned(cursor, upper) < 0) upper = cursor;
    }
    byte[] from = upper;
    return withDb(db -> {
      List<AuditRecord> page = new ArrayList<>();
      try (RocksIterator it = db.newIterator(records)) {
        it.seekForPrev(from);
        if (it.isValid() && Arrays.equals(it.key(), from)) it.prev(); // the bound itself is excluded
        for (int scanned = 0; it.isValid(); it.prev()) {
          byte[] key = it.key();
          AuditCursor at = AuditCodec.position(key);
          if (at.atMillis() < query.sinceMillis()) break;
          AuditRecord r = AuditCodec.decode(key, it.value());
          if (r != null && query.matches(r)) {
            if (page.size() == query.limit()) return new AuditPage(page, AuditCursor.of(page.get(page.size() - 1)));
            page.add(r);
          }
          if (++scanned >= scanBudget) return new AuditPage(page, at); // the next page goes on below this key
        }
        status(it);
      }
      return new AuditPage(page, null);
    });
  }

  @Override
  public long deleteOlderThan(long cutoffMillis) {
    long deleted = 0;
    for (long n; (n = deleteOldest(() -> Long.MAX_VALUE, cutoffMillis)) > 0; ) deleted += n;
    return deleted;
  }

  @Override
  public long trimTo(long maxRecords) {
    if (maxRecords < 0) throw new IllegalArgumentException("maxRecords must be >= 0, was " + maxRecords);
    long deleted = 0;
    for (long n; (n = deleteOldest(() -> count - maxRecords, Long.MAX_VALUE)) > 0; ) deleted += n;
    return deleted;
  }

  /**
   * One chunk of retention: deletes the oldest records older than {@code cutoffMillis}, at most as many as
   * {@code allowance} says (read under the write lock) and at most one chunk, in one write batch with the new count.
   */
  private long deleteOldest(LongSupplier allowance, long cutoffMillis) {
    return withDb(db -> {
      writeLock.lock();
      try {
        long wanted = Math.min(allowance.getAsLong(), deleteChunk);
        byte[] first = null;
        byte[] last = null;
        long n = 0;
        try (ReadOptions scan = new ReadOptions().setFillCache(false);
             RocksIterator it = db.newIterator(records, scan)) {
          for (it.seekToFirst(); it.isValid() && n < wanted; it.next()) {
            byte[] key = it.key();
            if (AuditCodec.position(key).atMillis() >= cutoffMillis) break;
            if (first == null) first = key;
            last = key;
            n++;
          }
          status(it);
        }
        if (n == 0) return 0L;
        AuditCursor end = AuditCodec.position(last);
        try (WriteBatch write = new WriteBatch()) {
          write.deleteRange(records, first, AuditCodec.key(end.atMillis(), end.id() + 1));
          write.put(meta, COUNT, longBytes(count - n));
          db.write(syncWrites, write);
        }
        count -= n;
        return n;
      } finally {
        writeLock.unlock();
      }
    });
  }

  private <T> T withDb(DbAction<T> action) {
    return lifecycle.guarded(() -> {
      try {
        return action.apply(rocks.db());
      } catch (RocksDBException e) {
        throw new StorageException("audit log operation failed", e);
      }
    });
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private static void status(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("audit log scan failed", e);
    }
  }

  /** Waits for running operations, then releases RocksDB. Idempotent. */
  @Override
  public void close() {
    if (!lifecycle.close()) return;
    syncWrites.close();
    rocks.close();
    log.info("Audit log of site {} closed", site);
  }
}
