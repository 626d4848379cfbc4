package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.DirectPuts;
import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.RocksDbHandle;
import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.persistence.StorageFullWarning;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.FenceGuard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataStore} on an embedded RocksDB with five column families: {@code inodes}, {@code origin-watermarks},
 * {@code conflicts}, {@code incarnations} and {@code tombstones} (layouts in {@link StoreCodec}). A store written
 * before conflicts were detected also has {@code lww-losers}, opened (RocksDB opens all or none) and never read; one
 * written before 2026-12-07 has its watermarks in {@code watermarks}, a key per shard, moved at open.
 *
 * <p>Invariants, beyond those of {@link MetadataStore}:
 * <ul>
 *   <li>applies run one at a time (one lock): an apply reads the watermarks and held values it decides on, and
 *       nothing else writes between that read and its write batch;</li>
 *   <li>the in-memory watermarks and incarnations equal the stored ones: loaded on open, updated only after a
 *       successful write;</li>
 *   <li>conflict ids strictly increase, so conflicts read back in recording order;</li>
 *   <li>a write refused on a full volume ({@link StorageFullException}) changed nothing: watermarks and the next
 *       conflict id move only after a successful write, so the same apply succeeds once space frees;</li>
 *   <li>every RocksDB snapshot taken for {@link #openSnapshot} is released by its closing or, at the latest, by the
 *       store's, before the database closes.</li>
 * </ul>
 */
public final class RocksDbMetadataStore implements MetadataStore {
  private static final Logger log = LoggerFactory.getLogger(RocksDbMetadataStore.class);
  private static final String INODES = "inodes";
  /** Every watermark of an origin in one value, which an apply rewrites (a build before this one cannot open it). */
  private static final String WATERMARKS = "origin-watermarks";
  /** Watermarks of the former format, a key per shard: read at open, moved into {@code WATERMARKS}, left empty. */
  private static final String SHARD_WATERMARKS = "watermarks";
  private static final String CONFLICTS = "conflicts";
  private static final String RETIRED_LOSERS = "lww-losers";
  /** In the default column family: the lowest conflict id not collected, so ids are not reused once all are. */
  private static final byte[] CONFLICT_FLOOR = "conflict-floor".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final String INCARNATIONS = "incarnations";
  /**
   * The index of tombstones written (by apply and repair) since the store had it; tombstones written before are not
   * in it and are never collected.
   */
  private static final String TOMBSTONES = "tombstones";
  /** Every column family of the store, as it opens them. */
  static final List<String> COLUMNS =
      List.of(INODES, SHARD_WATERMARKS, WATERMARKS, CONFLICTS, INCARNATIONS, RETIRED_LOSERS, TOMBSTONES);
  private static final byte[] NO_VALUE = new byte[0];
  private static final Pattern WAL_SYNCS = Pattern.compile("Cumulative WAL: \\d+ writes, (\\d+) syncs");

  private final RocksDbHandle rocks;
  private final ColumnFamilyHandle inodes;
  private final ColumnFamilyHandle watermarkColumn;
  private final ColumnFamilyHandle shardWatermarkColumn;
  private final ColumnFamilyHandle conflictColumn;
  private final ColumnFamilyHandle incarnationColumn;
  private final ColumnFamilyHandle tombstoneColumn;
  private final WriteOptions writeOptions;
  private final WriteOptions asyncWriteOptions;
  private final boolean fsync;
  private final Map<String, Map<Integer, Long>> watermarks;
  private final Map<String, UUID> incarnations;
  private final ReentrantLock applyLock = new ReentrantLock();
  private final Lifecycle lifecycle = new Lifecycle("metadata store");
  private final StorageFullWarning fullWarning = new StorageFullWarning(log, "metadata store");
  private final FenceGuard fences;
  private final OpenSnapshots snapshots = new OpenSnapshots();
  private final VersionCache versions; // written under applyLock, read from any thread
  private long nextConflictId; // guarded by applyLock

  @FunctionalInterface
  private interface DbAction<T> {
    T apply(RocksDB db) throws RocksDBException;
  }

  private RocksDbMetadataStore(RocksDbHandle rocks, StoreSettings settings, FenceGuard fences) {
    this.rocks = rocks;
    this.fences = fences;
    this.inodes = rocks.column(INODES);
    this.watermarkColumn = rocks.column(WATERMARKS);
    this.shardWatermarkColumn = rocks.column(SHARD_WATERMARKS);
    this.conflictColumn = rocks.column(CONFLICTS);
    this.incarnationColumn = rocks.column(INCARNATIONS);
    this.tombstoneColumn = rocks.column(TOMBSTONES);
    try (ReadOptions latest = new ReadOptions()) {
      this.watermarks = loadWatermarks(latest);
      this.incarnations = loadIncarnations(latest);
    }
    this.nextConflictId = lastConflictId() + 1;
    this.versions = new VersionCache(initialCacheSlots(storedInodes(rocks, inodes)), settings.versionCacheSlots());
    this.fsync = settings.sync();
    this.writeOptions = new WriteOptions().setSync(fsync);
    this.asyncWriteOptions = new WriteOptions().setSync(false);
  }

  /**
   * Where the version cache starts (its maximum still bounds it): a new store small, a store that already holds inodes
   * (a node restarted) at four slots per inode, about where growing settles for a working set written uniformly.
   * Growing holds the apply lock while a table twice the size is allocated and filled (the last doublings of a
   * flat-out run were 15 % of the peer's CPU samples while they lasted): a restarted node under load would otherwise
   * pay each doubling again, its applies waiting behind them.
   */
  static int initialCacheSlots(long storedInodes) {
    return (int) Math.min(VersionCache.MAX_SLOTS, Math.max(VersionCache.INITIAL_SLOTS, 4 * storedInodes));
  }

  /** RocksDB's estimate of the inodes the store holds (memtables and files; 0 if it cannot say). */
  private static long storedInodes(RocksDbHandle rocks, ColumnFamilyHandle inodes) {
    try {
      return Math.max(0, rocks.db().getLongProperty(inodes, "rocksdb.estimate-num-keys"));
    } catch (RocksDBException e) {
      log.warn("Cannot estimate the inodes the store holds ({}): the version cache starts small", e.toString());
      return 0;
    }
  }

  /** Slots of the version cache's table now. */
  int versionCacheSlots() {
    return versions.slots();
  }

  /** Opens (creating if missing) the store in {@code dir}, without leases: fenced applies are refused. */
  public static RocksDbMetadataStore open(Path dir, StoreSettings settings) {
    return open(dir, settings, FenceGuard.NONE);
  }

  /** Opens (creating if missing) the store in {@code dir}; fenced applies are checked by {@code fences}. */
  public static RocksDbMetadataStore open(Path dir, StoreSettings settings, FenceGuard fences) {
    RocksDbHandle rocks = RocksDbHandle.open(dir, settings.rocksdb(), COLUMNS);
    RocksDbMetadataStore store = null;
    try {
      store = new RocksDbMetadataStore(rocks, settings, fences);
      store.packShardWatermarks();
      log.info("Metadata store opened in {} with watermarks of {} origins", dir, store.watermarks.size());
      return store;
    } catch (RuntimeException e) {
      if (store != null) store.close();
      else rocks.close();
      throw e;
    }
  }

  /** The stored watermarks, as of {@code read}'s snapshot (none: the latest); of either format, the higher. */
  private Map<String, Map<Integer, Long>> loadWatermarks(ReadOptions read) {
    Map<String, Map<Integer, Long>> loaded = new ConcurrentHashMap<>();
    try (RocksIterator it = rocks.db().newIterator(watermarkColumn, read)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String origin = StoreCodec.watermarkSite(it.key());
        StoreCodec.decodeWatermarks(origin, it.value(), loaded.computeIfAbsent(origin, o -> new ConcurrentHashMap<>()));
      }
      status(it);
    }
    try (RocksIterator it = rocks.db().newIterator(shardWatermarkColumn, read)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String origin = StoreCodec.watermarkSite(it.key());
        StoreCodec.decodeFormerWatermark(origin, it.key(), it.value(),
            loaded.computeIfAbsent(origin, o -> new ConcurrentHashMap<>()));
      }
      status(it);
    }
    return loaded;
  }

  /**
   * Moves watermarks of the former format (a key per shard) into one value per origin, in one write with the store's
   * durability; a store that holds none (any store this build created) is not written. A full volume refuses the
   * write, and the store does not open until there is room: {@link #forgetIncarnation} relies on no former key left.
   */
  private void packShardWatermarks() {
    List<byte[]> former = new ArrayList<>();
    Set<String> origins = new TreeSet<>();
    try (RocksIterator it = rocks.db().newIterator(shardWatermarkColumn)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        former.add(it.key());
        origins.add(StoreCodec.watermarkSite(it.key()));
      }
      status(it);
    }
    if (former.isEmpty()) return;
    withDb(db -> {
      try (WriteBatch batch = new WriteBatch()) {
        for (byte[] key : former) batch.delete(shardWatermarkColumn, key);
        for (String origin : origins) putWatermarks(batch, origin, Map.of());
        db.write(writeOptions, batch);
      }
      return null;
    });
    log.info("Metadata store moved {} watermarks of {} origins (a key per shard) into one value per origin",
        former.size(), origins.size());
  }

  /** Puts every watermark of {@code origin}, those in memory raised by {@code raised}, as its one value. */
  private void putWatermarks(WriteBatch batch, String origin, Map<Integer, Long> raised) throws RocksDBException {
    SortedMap<Integer, Long> shards = new TreeMap<>(watermarks.getOrDefault(origin, Map.of()));
    shards.putAll(raised);
    batch.put(watermarkColumn, StoreCodec.watermarksKey(origin), StoreCodec.encodeWatermarks(shards));
  }

  /** The stored incarnations, as of {@code read}'s snapshot (none: the latest). */
  private Map<String, UUID> loadIncarnations(ReadOptions read) {
    Map<String, UUID> loaded = new ConcurrentHashMap<>();
    try (RocksIterator it = rocks.db().newIterator(incarnationColumn, read)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        loaded.put(StoreCodec.watermarkSite(it.key()), StoreCodec.decodeIncarnation(it.value()));
      }
      status(it);
    }
    return loaded;
  }

  private long lastConflictId() {
    try (RocksIterator it = rocks.db().newIterator(conflictColumn)) {
      it.seekToLast();
      if (it.isValid()) return StoreCodec.longOf(it.key());
      status(it);
      byte[] floor = rocks.db().get(CONFLICT_FLOOR);
      return floor == null ? 0 : StoreCodec.longOf(floor) - 1;
    } catch (RocksDBException e) {
      throw new StorageException("reading the conflict floor failed", e);
    }
  }

  @Override
  public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability) {
    ApplyPlan.requireOrigin(originSite, entries);
    applyLock.lock();
    try {
      return withDb(db -> applyLocked(db, originSite, entries,
          durability == Durability.SYNC ? writeOptions : asyncWriteOptions));
    } finally {
      applyLock.unlock();
    }
  }

  @Override
  public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability, Fence fence) {
    return fences.whileHeld(fence, () -> apply(originSite, entries, durability));
  }

  private ApplyResult applyLocked(RocksDB db, String origin, List<JournalEntry> entries, WriteOptions options)
      throws RocksDBException {
    ApplyPlan plan = new ApplyPlan(watermarks.getOrDefault(origin, Map.of()), entries);
    if (plan.writesNothing()) return plan.result();
    plan.resolve(held(db, plan.inodes()), System.currentTimeMillis());
    Set<Long> rewrite = plan.heldToRewrite();
    if (!rewrite.isEmpty()) plan.complete(values(db, List.copyOf(rewrite)));
    long conflictId = nextConflictId;
    List<WriteConflict> stored = new ArrayList<>(plan.conflicts().size());
    try (WriteBatch batch = new WriteBatch()) {
      // in key order (inode ids, big-endian): each memtable insert starts from where the previous one ended
      List<StoredValue> inKeyOrder = new ArrayList<>(plan.writes().values());
      inKeyOrder.sort((a, b) -> Long.compareUnsigned(a.inodeId(), b.inodeId()));
      for (StoredValue v : inKeyOrder) {
        putValue(batch, v);
      }
      for (WriteConflict conflict : plan.conflicts()) {
        WriteConflict withId = conflict.withId(conflictId++);
        batch.put(conflictColumn, StoreCodec.longKey(withId.id()), StoreCodec.encodeConflict(withId));
        stored.add(withId);
      }
      if (!plan.advanced().isEmpty()) putWatermarks(batch, origin, plan.advanced());
      write(db, plan.conflicts().isEmpty() ? options : writeOptions, batch);
      recorded(() -> inKeyOrder.forEach(versions::put));
    }
    nextConflictId = conflictId;
    watermarks.computeIfAbsent(origin, s -> new ConcurrentHashMap<>()).putAll(plan.advanced());
    return plan.result(stored);
  }

  /** Writes a value; a tombstone also goes into the index its collection reads. */
  private void putValue(WriteBatch batch, StoredValue v) throws RocksDBException {
    DirectPuts puts = DirectPuts.ofThisThread();
    StoreCodec.longKey(v.inodeId(), puts.key(Long.BYTES));
    StoreCodec.encodeValue(v, puts.value(StoreCodec.valueSize(v)));
    puts.put(batch, inodes);
    if (v.tombstone()) {
      batch.put(tombstoneColumn, StoreCodec.tombstoneKey(v.version().originSite(), v.shard(), v.seq(), v.inodeId()),
          NO_VALUE);
    }
  }

  /**
   * What is held for the given inodes: from the version cache, the rest in one multi-get whose values are decoded only
   * as far as the plan reads them (no payload; the few values a plan rewrites are read whole apart).
   */
  private Map<Long, ApplyPlan.Held> held(RocksDB db, Set<Long> ids) throws RocksDBException {
    Map<Long, ApplyPlan.Held> held = new HashMap<>(ApplyPlan.capacityFor(ids.size()));
    List<Long> misses = fromCache(ids, held, cached -> cached);
    if (misses.isEmpty()) return held;
    read(db, misses, StoreCodec::heldOf).forEach((id, found) -> {
      held.put(id, found);
      versions.put(id, found);
    });
    return held;
  }

  /**
   * Read without the apply lock: from the version cache, the rest in one multi-get. Each inode's answer is what the
   * store held for it at some instant before the append (a cached slot may be a moment older than the store), which
   * is all the rule asks: a write is never stamped with more than its site knew. What the multi-get finds (or does not)
   * goes into the version cache unless a write of the inode was recorded meanwhile ({@link VersionCache#install}),
   * so the local apply of the same entries finds it there.
   */
  @Override
  public Map<Long, Seen> knowledge(Collection<Long> inodeIds) {
    Map<Long, Seen> known = new HashMap<>(ApplyPlan.capacityFor(inodeIds.size()));
    // the cache is safe to read without the apply lock (see VersionCache)
    List<Long> misses = fromCache(new LinkedHashSet<>(inodeIds), known, ApplyPlan.Held::knowledgeWithSelf);
    if (misses.isEmpty()) return known;
    long[] tickets = new long[misses.size()];
    for (int i = 0; i < tickets.length; i++) tickets[i] = versions.ticket(misses.get(i));
    Map<Long, ApplyPlan.Held> found = withDb(db -> read(db, misses, StoreCodec::heldOf));
    for (int i = 0; i < tickets.length; i++) {
      Long id = misses.get(i);
      ApplyPlan.Held held = found.get(id);
      versions.install(id, tickets[i], held);
      if (held != null) known.put(id, held.knowledgeWithSelf());
    }
    return known;
  }

  /**
   * Puts into {@code answers} what the version cache says of each inode (nothing for one it knows to be absent) and
   * returns the inodes it does not hold, in order, for one multi-get.
   */
  private <T> List<Long> fromCache(Collection<Long> ids, Map<Long, T> answers, Function<ApplyPlan.Held, T> answer) {
    List<Long> misses = new ArrayList<>();
    for (Long id : ids) {
      ApplyPlan.Held cached = versions.get(id);
      if (cached == null) {
        misses.add(id);
      } else if (cached != VersionCache.ABSENT) {
        answers.put(id, answer.apply(cached));
      }
    }
    return misses;
  }

  /**
   * RocksDB's SyncWAL: every write that returned is in the log already (one write(2) each), so this fsyncs it, without
   * the apply lock: applies go on meanwhile, and the next sync covers them.
   */
  @Override
  public void sync() {
    if (!fsync) return;
    withDb(db -> {
      db.syncWal();
      return null;
    });
  }

  /** How many times the store's log was fsync'd since it opened (RocksDB's cumulative DB stats): for tests. */
  long walSyncs() {
    String stats = withDb(db -> db.getProperty("rocksdb.dbstats"));
    Matcher m = WAL_SYNCS.matcher(stats);
    if (!m.find()) throw new IllegalStateException("RocksDB's DB stats name no WAL syncs: " + stats);
    return Long.parseLong(m.group(1));
  }

  /** SyncWAL covers every write that returned, applies of any durability. */
  @Override
  public Map<Integer, Long> durableWatermarks(String originSite) {
    Map<Integer, Long> read = watermarks(originSite);
    sync();
    return read;
  }

  @Override
  public long watermark(String originSite, int shard) {
    return watermarks.getOrDefault(originSite, Map.of()).getOrDefault(shard, 0L);
  }

  @Override
  public Map<Integer, Long> watermarks(String originSite) {
    return Map.copyOf(watermarks.getOrDefault(originSite, Map.of()));
  }

  @Override
  public Optional<StoredValue> get(long inodeId) {
    byte[] value = withDb(db -> db.get(inodes, StoreCodec.longKey(inodeId)));
    return value == null ? Optional.empty() : Optional.of(StoreCodec.decodeValue(inodeId, value));
  }

  @Override
  public Map<Long, StoredValue> getAll(Collection<Long> inodeIds) {
    return withDb(db -> values(db, List.copyOf(new LinkedHashSet<>(inodeIds))));
  }

  private Map<Long, StoredValue> values(RocksDB db, List<Long> ids) throws RocksDBException {
    return read(db, ids, StoreCodec::decodeValue);
  }

  /** One multi-get of {@code ids}, each value found decoded by {@code decode}; absent inodes left out. */
  private <T> Map<Long, T> read(RocksDB db, List<Long> ids, java.util.function.BiFunction<Long, byte[], T> decode)
      throws RocksDBException {
    List<byte[]> keys = new ArrayList<>(ids.size());
    ids.forEach(id -> keys.add(StoreCodec.longKey(id)));
    List<byte[]> found = db.multiGetAsList(Collections.nCopies(ids.size(), inodes), keys);
    Map<Long, T> values = new LinkedHashMap<>(ApplyPlan.capacityFor(ids.size()));
    for (int i = 0; i < ids.size(); i++) {
      if (found.get(i) != null) values.put(ids.get(i), decode.apply(ids.get(i), found.get(i)));
    }
    return values;
  }

  /**
   * RocksDB pins a snapshot for the life of the iterator, so applies running meanwhile are either wholly in the scan
   * or not at all. Blocks read are not kept in the cache: a scan must not evict what the applies use.
   */
  @Override
  public void scan(Consumer<StoredValue> visitor) {
    withDb(db -> {
      try (ReadOptions scan = new ReadOptions().setFillCache(false);
           RocksIterator it = db.newIterator(inodes, scan)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          visitor.accept(StoreCodec.decodeValue(StoreCodec.longOf(it.key()), it.value()));
        }
        status(it);
      }
      return null;
    });
  }

  /** Under the apply lock, like an apply: nothing writes between reading the held versions and the write batch. */
  @Override
  public RepairResult repair(List<StoredValue> values, Durability durability) {
    RepairPlan plan = new RepairPlan(values);
    applyLock.lock();
    try {
      return withDb(db -> {
        plan.resolve(held(db, plan.inodes()));
        if (plan.writes().isEmpty()) return plan.result();
        try (WriteBatch batch = new WriteBatch()) {
          for (RepairResult.Repaired w : plan.writes()) {
            putValue(batch, w.value());
          }
          write(db, durability == Durability.ASYNC ? asyncWriteOptions : writeOptions, batch);
        }
        recorded(() -> plan.writes().forEach(w -> versions.put(w.value())));
        return plan.result();
      });
    } finally {
      applyLock.unlock();
    }
  }

  /**
   * Surveyed without the apply lock ({@link TombstonePlan#survey}), then decided and written under it, like an apply:
   * no write lands between reading the held values and removing them. The removed inodes leave the version cache with
   * the write, so no apply decides against a value that is gone.
   */
  @Override
  public long collectTombstones(String originSite, Map<Integer, Long> stableSeqs, long olderThanHlc, int max) {
    TombstonePlan plan = new TombstonePlan(originSite, stableSeqs, olderThanHlc, max);
    List<TombstonePlan.Candidate> due = withDb(db -> plan.survey(tombstoneIndex(db, originSite)));
    if (due.isEmpty()) return 0L;
    applyLock.lock();
    try {
      return withDb(db -> {
        Map<Long, StoredValue> held = values(db, List.copyOf(TombstonePlan.inodes(due)));
        due.forEach(c -> plan.decide(c, held.get(c.inodeId())));
        if (plan.writesNothing()) return 0L;
        try (WriteBatch batch = new WriteBatch()) {
          for (TombstonePlan.Candidate c : plan.removed()) {
            batch.delete(inodes, StoreCodec.longKey(c.inodeId()));
            batch.delete(tombstoneColumn, StoreCodec.tombstoneKey(originSite, c.shard(), c.seq(), c.inodeId()));
          }
          for (TombstonePlan.Candidate c : plan.stale()) {
            batch.delete(tombstoneColumn, StoreCodec.tombstoneKey(originSite, c.shard(), c.seq(), c.inodeId()));
          }
          write(db, writeOptions, batch);
        }
        recorded(() -> plan.removed().forEach(c -> versions.forget(c.inodeId())));
        return (long) plan.removed().size();
      });
    } finally {
      applyLock.unlock();
    }
  }

  /** The tombstone index of {@code origin} as a survey reads it: seeks in the index, multi-gets of the values. */
  private TombstonePlan.Index tombstoneIndex(RocksDB db, String origin) {
    return new TombstonePlan.Index() {
      @Override
      public List<TombstonePlan.Candidate> after(int shard, TombstonePlan.Candidate last, long uptoSeq, int limit) {
        List<TombstonePlan.Candidate> found = new ArrayList<>();
        try (RocksIterator it = db.newIterator(tombstoneColumn)) {
          // inode 0 sorts first among the keys of a seq: the key's bytes compare unsigned
          byte[] first = last == null ? StoreCodec.tombstoneKey(origin, shard, 1, 0)
              : StoreCodec.tombstoneKey(origin, shard, last.seq(), last.inodeId());
          int prefixLength = first.length - 16; // origin and shard
          it.seek(first);
          if (last != null && it.isValid() && Arrays.equals(it.key(), first)) it.next();
          for (; it.isValid() && found.size() < limit; it.next()) {
            byte[] key = it.key();
            if (!Arrays.equals(key, 0, prefixLength, first, 0, prefixLength)) break;
            long seq = StoreCodec.tombstoneSeq(key);
            if (seq > uptoSeq) break;
            found.add(new TombstonePlan.Candidate(shard, seq, StoreCodec.tombstoneInode(key)));
          }
          status(it);
        }
        return found;
      }

      @Override
      public Map<Long, StoredValue> held(Set<Long> inodeIds) {
        try {
          return values(db, List.copyOf(inodeIds));
        } catch (RocksDBException e) {
          throw new StorageException("reading the values of tombstones failed", e);
        }
      }
    };
  }

  @Override
  public Optional<UUID> incarnation(String originSite) {
    return Optional.ofNullable(incarnations.get(originSite));
  }

  @Override
  public IncarnationCheck adoptIncarnation(String originSite, UUID incarnation) {
    applyLock.lock();
    try {
      IncarnationCheck check = IncarnationCheck.decide(incarnation(originSite), incarnation, watermarks(originSite));
      if (check instanceof IncarnationCheck.Adopted && !incarnation.equals(incarnations.get(originSite))) {
        withDb(db -> {
          try (WriteBatch batch = new WriteBatch()) {
            batch.put(incarnationColumn, StoreCodec.incarnationKey(originSite),
                StoreCodec.encodeIncarnation(incarnation));
            db.write(writeOptions, batch);
          }
          return null;
        });
        incarnations.put(originSite, incarnation);
      }
      return check;
    } finally {
      applyLock.unlock();
    }
  }

  @Override
  public Optional<ForgottenOrigin> forgetIncarnation(String originSite, UUID expected) {
    applyLock.lock();
    try {
      if (!expected.equals(incarnations.get(originSite))) return Optional.empty();
      ForgottenOrigin forgotten = new ForgottenOrigin(originSite, expected, watermarks(originSite));
      withDb(db -> {
        try (WriteBatch batch = new WriteBatch()) {
          batch.delete(incarnationColumn, StoreCodec.incarnationKey(originSite));
          batch.delete(watermarkColumn, StoreCodec.watermarksKey(originSite));
          db.write(writeOptions, batch);
        }
        return null;
      });
      incarnations.remove(originSite);
      watermarks.remove(originSite);
      return Optional.of(forgotten);
    } finally {
      applyLock.unlock();
    }
  }

  /**
   * The marks are read from the snapshot, not from the in-memory maps: an apply committing between the snapshot and
   * reading the maps would put marks ahead of the values.
   */
  @Override
  public StoreSnapshot openSnapshot() {
    return withDb(db -> {
      Snapshot snapshot = db.getSnapshot();
      ReadOptions read = new ReadOptions().setSnapshot(snapshot).setFillCache(false);
      try {
        Map<String, OriginMarks> marks = OriginMarks.byOrigin(loadWatermarks(read), loadIncarnations(read));
        return snapshots.track(new RocksDbSnapshotView(rocks, inodes, snapshot, read, marks));
      } catch (RuntimeException e) {
        read.close();
        db.releaseSnapshot(snapshot);
        snapshot.close();
        throw e;
      }
    });
  }

  /** RocksDB's count of snapshots not released, all callers' included (a leak check for tests). */
  long unreleasedSnapshots() {
    return withDb(db -> db.getLongProperty("rocksdb.num-snapshots"));
  }

  /** Decided on the in-memory marks, which equal the stored ones under the apply lock; they follow the write. */
  @Override
  public MarksInstalled installMarks(Map<String, OriginMarks> marks, Durability durability) {
    MarksPlan plan = new MarksPlan(marks);
    applyLock.lock();
    try {
      plan.origins().forEach(origin -> plan.decide(origin, incarnation(origin), watermarks(origin)));
      if (plan.writesNothing()) return plan.result();
      withDb(db -> {
        try (WriteBatch batch = new WriteBatch()) {
          for (Map.Entry<String, UUID> adopted : plan.adopted().entrySet()) {
            batch.put(incarnationColumn, StoreCodec.incarnationKey(adopted.getKey()),
                StoreCodec.encodeIncarnation(adopted.getValue()));
          }
          for (Map.Entry<String, Map<Integer, Long>> origin : plan.raised().entrySet()) {
            putWatermarks(batch, origin.getKey(), origin.getValue());
          }
          db.write(durability == Durability.ASYNC ? asyncWriteOptions : writeOptions, batch);
        }
        return null;
      });
      incarnations.putAll(plan.adopted());
      plan.raised().forEach((origin, shards) ->
          watermarks.computeIfAbsent(origin, s -> new ConcurrentHashMap<>()).putAll(shards));
      return plan.result();
    } finally {
      applyLock.unlock();
    }
  }

  /**
   * A write whose outcome is unknown leaves the version cache unable to say what the store holds: it starts over empty
   * (the journal's stamper may have filled a slot with what an inode held before the write).
   */
  private void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException {
    try {
      db.write(options, batch);
    } catch (Throwable e) {
      versions.clear();
      throw e;
    }
  }

  /** Records a write that reached the store into the version cache; if that fails part-way, the cache starts over. */
  private void recorded(Runnable record) {
    try {
      record.run();
    } catch (Throwable e) {
      versions.clear();
      throw e;
    }
  }

  @Override
  public List<WriteConflict> conflicts(long afterId, int limit) {
    if (limit < 0) throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    return withDb(db -> {
      List<WriteConflict> result = new ArrayList<>();
      try (RocksIterator it = db.newIterator(conflictColumn)) {
        for (it.seek(StoreCodec.longKey(Math.max(afterId + 1, 0))); it.isValid() && result.size() < limit; it.next()) {
          result.add(StoreCodec.decodeConflict(StoreCodec.longOf(it.key()), it.value()));
        }
        status(it);
      }
      return result;
    });
  }

  /**
   * Ids are dense (one per stored conflict, assigned only to written ones) and collection removes a prefix, so the
   * count is known from the first and next ids; the age cut reads forward from the oldest record only as far as the
   * first one young enough. One range deletion removes them.
   */
  @Override
  public long trimConflicts(long olderThanMillis, long maxRecords) {
    if (maxRecords < 0) throw new IllegalArgumentException("maxRecords must be >= 0, was " + maxRecords);
    long next;
    applyLock.lock();
    try {
      next = nextConflictId;
    } finally {
      applyLock.unlock();
    }
    return withDb(db -> {
      long firstKept;
      try (RocksIterator it = db.newIterator(conflictColumn)) {
        it.seekToFirst();
        if (!it.isValid()) {
          status(it);
          return 0L;
        }
        long first = StoreCodec.longOf(it.key());
        firstKept = Math.max(first, next - maxRecords);
        for (it.seek(StoreCodec.longKey(firstKept)); it.isValid(); it.next()) {
          if (StoreCodec.conflictAtMillis(it.value()) >= olderThanMillis) break;
          firstKept = StoreCodec.longOf(it.key()) + 1;
        }
        status(it);
        if (firstKept <= first) return 0L;
        try (WriteBatch batch = new WriteBatch()) {
          batch.deleteRange(conflictColumn, StoreCodec.longKey(first), StoreCodec.longKey(firstKept));
          batch.put(CONFLICT_FLOOR, StoreCodec.longKey(firstKept));
          db.write(writeOptions, batch);
        }
        return firstKept - first;
      }
    });
  }

  private <T> T withDb(DbAction<T> action) {
    return lifecycle.guarded(() -> {
      try {
        return action.apply(rocks.db());
      } catch (RocksDBException e) {
        StorageException failure = rocks.failure("metadata store operation", e);
        if (failure instanceof StorageFullException full) fullWarning.refused(full);
        throw failure;
      }
    });
  }

  private static void status(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("metadata store scan failed", e);
    }
  }

  /** Waits for running operations, releases the snapshots left open, then releases RocksDB. Idempotent. */
  @Override
  public void close() {
    if (!lifecycle.close()) return;
    snapshots.closeAll();
    writeOptions.close();
    asyncWriteOptions.close();
    rocks.close();
    log.info("Metadata store closed");
  }
}
