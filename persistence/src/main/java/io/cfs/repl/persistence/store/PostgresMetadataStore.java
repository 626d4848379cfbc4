package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.PostgresLeaseStore;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataStore} on PostgreSQL: one site's rows of {@code cfs_inodes}, {@code cfs_watermarks},
 * {@code cfs_conflicts}, {@code cfs_incarnations} and {@code cfs_tombstones} ({@code postgres/cfs-repl-schema.sql}),
 * values and conflict records in {@link StoreCodec}'s layouts. Every node of the site opens one on the database they
 * share; several sites may share the database.
 *
 * <p>Invariants, beyond those of {@link MetadataStore}:
 * <ul>
 *   <li>applies of one site run one at a time across all its nodes (a transaction-scoped advisory lock per site): an
 *       apply reads the watermarks and held values it decides on, and nothing else writes the site's rows between
 *       that read and its commit;</li>
 *   <li>nothing is cached: watermarks and values are read from the tables on every call, because the other nodes of
 *       the site change them;</li>
 *   <li>conflict ids are dense and increase in commit order (each apply takes the next ones under the apply lock), so
 *       conflicts read back in recording order;</li>
 *   <li>the digest feeds inodes in the order of RocksDB's keys (unsigned), so both stores digest the same values
 *       alike;</li>
 *   <li>the store does not own the {@link PostgresDatabase}: closing the store leaves the pool open.</li>
 * </ul>
 */
public final class PostgresMetadataStore implements MetadataStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresMetadataStore.class);
  /** Keeps the apply lock keys apart from other advisory locks taken on the same database. */
  private static final String APPLY_LOCK_NAMESPACE = "cfs-repl/store/apply/";

  private static final String LOCK_APPLIES = "SELECT pg_advisory_xact_lock(?)";
  private static final String ASYNC_COMMIT = "SET LOCAL synchronous_commit = off";
  /** Flushed here, whatever the role's or the database's default; not waiting for standbys (the host's crash). */
  private static final String SYNC_COMMIT = "SET LOCAL synchronous_commit = local";
  /**
   * A transaction must write WAL for its synchronous commit to flush (a transaction id alone does not): a logical
   * message, at any wal_level, touching no table.
   */
  private static final String FLUSH_MESSAGE = "SELECT pg_logical_emit_message(true, 'cfs-repl', 'flush')::text";
  private static final String SELECT_WATERMARKS =
      "SELECT shard, seq FROM cfs_watermarks WHERE site = ? AND origin = ?";
  private static final String SELECT_WATERMARK =
      "SELECT seq FROM cfs_watermarks WHERE site = ? AND origin = ? AND shard = ?";
  private static final String SELECT_HELD = "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode = ANY(?)";
  private static final String SELECT_VALUE = "SELECT value FROM cfs_inodes WHERE site = ? AND inode = ?";
  private static final String UPSERT_VALUE = "INSERT INTO cfs_inodes (site, inode, value) VALUES (?, ?, ?)"
      + " ON CONFLICT (site, inode) DO UPDATE SET value = EXCLUDED.value";
  /** Takes the next {@code n} ids: returns the last of them. Ids are never reused, even once all are collected. */
  private static final String TAKE_CONFLICT_IDS = "INSERT INTO cfs_conflict_ids (site, last) VALUES (?, ?)"
      + " ON CONFLICT (site) DO UPDATE SET last = cfs_conflict_ids.last + EXCLUDED.last RETURNING last";
  private static final String INSERT_CONFLICT =
      "INSERT INTO cfs_conflicts (site, id, at_ms, record) VALUES (?, ?, ?, ?)";
  private static final String SELECT_CONFLICTS =
      "SELECT id, record FROM cfs_conflicts WHERE site = ? AND id > ? ORDER BY id LIMIT ?";
  /** Removes a prefix: ids up to max - maxRecords, and every id before the first record young enough. */
  private static final String TRIM_CONFLICTS = "DELETE FROM cfs_conflicts WHERE site = ? AND (id <= "
      + "(SELECT coalesce(max(id), 0) FROM cfs_conflicts WHERE site = ?) - ? OR id < coalesce("
      + "(SELECT min(id) FROM cfs_conflicts WHERE site = ? AND at_ms >= ?), 9223372036854775807))";
  private static final String INDEX_TOMBSTONE = "INSERT INTO cfs_tombstones (site, origin, shard, seq, inode)"
      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  private static final String SELECT_TOMBSTONES = "SELECT seq, inode FROM cfs_tombstones WHERE site = ? AND origin = ?"
      + " AND shard = ? AND (seq, inode) > (?, ?) AND seq <= ? ORDER BY seq, inode LIMIT ?";
  private static final String DELETE_TOMBSTONE_INDEX =
      "DELETE FROM cfs_tombstones WHERE site = ? AND origin = ? AND shard = ? AND seq = ? AND inode = ?";
  private static final String DELETE_VALUE = "DELETE FROM cfs_inodes WHERE site = ? AND inode = ?";
  private static final String UPSERT_WATERMARK = "INSERT INTO cfs_watermarks (site, origin, shard, seq)"
      + " VALUES (?, ?, ?, ?) ON CONFLICT (site, origin, shard) DO UPDATE SET seq = EXCLUDED.seq";

  private final PostgresDatabase db;
  private final String site;
  private final long applyLockKey;
  private final boolean syncCommits;
  private final Lifecycle lifecycle;
  private final OpenSnapshots snapshots = new OpenSnapshots();

  private PostgresMetadataStore(PostgresDatabase db, String site, StoreSettings settings) {
    this.db = db;
    this.site = site;
    this.applyLockKey = applyLockKey(site);
    this.syncCommits = settings.sync();
    this.lifecycle = new Lifecycle("metadata store of " + site);
  }

  /**
   * The store of {@code localSite} on {@code db}, whose tables {@link PostgresDatabase#open} created. The caller keeps
   * owning {@code db} and closes it after the store.
   */
  public static PostgresMetadataStore open(PostgresDatabase db, String localSite, StoreSettings settings) {
    if (db == null || settings == null) throw new IllegalArgumentException("database and settings are required");
    JournalEntry.validateSiteId(localSite);
    PostgresMetadataStore store = new PostgresMetadataStore(db, localSite, settings);
    log.info("Metadata store of site {} opened on PostgreSQL at {}", localSite, db.settings().url());
    return store;
  }

  /**
   * The advisory lock key of one site's applies: the first 8 bytes of SHA-256 over a namespace and the site id. Two
   * sites whose keys collided would only have their applies serialised together, never mixed.
   */
  public static long applyLockKey(String site) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((APPLY_LOCK_NAMESPACE + site).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  @Override
  public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability) {
    ApplyPlan.requireOrigin(originSite, entries);
    boolean synchronous = commitsSynchronously(durability);
    return guarded(() -> db.inTransaction(c -> applyInTransaction(c, originSite, entries, synchronous, null)));
  }

  @Override
  public ApplyResult apply(String originSite, List<JournalEntry> entries, Durability durability, Fence fence) {
    ApplyPlan.requireOrigin(originSite, entries);
    if (!fence.site().equals(site)) throw new IllegalArgumentException(fence + " is not a fence of site " + site);
    boolean synchronous = commitsSynchronously(durability);
    return guarded(() -> db.inTransaction(c -> applyInTransaction(c, originSite, entries, synchronous, fence)));
  }

  /**
   * With a fence, the lease row is read FOR SHARE once the apply lock is held: a takeover waits for this apply to
   * commit, or this apply sees the takeover and is refused. (Checked after the lock, not before, so that an apply
   * waiting for the lock never holds up a takeover.)
   */
  private ApplyResult applyInTransaction(Connection c, String origin, List<JournalEntry> entries,
                                         boolean synchronous, Fence fence) throws SQLException {
    lockApplies(c, fence);
    if (fence != null) PostgresLeaseStore.check(c, fence);
    ApplyPlan plan = new ApplyPlan(readWatermarks(c, origin), entries);
    if (plan.writesNothing()) return plan.result();
    plan.resolve(held(c, plan.inodes()), System.currentTimeMillis());
    if (!synchronous && plan.conflicts().isEmpty()) commitAsynchronously(c);
    Set<Long> rewrite = plan.heldToRewrite();
    if (!rewrite.isEmpty()) plan.complete(values(c, rewrite));
    writeWinners(c, plan.writes().values());
    List<WriteConflict> stored = writeConflicts(c, plan.conflicts());
    writeWatermarks(c, origin, plan.advanced());
    return plan.result(stored);
  }

  /**
   * Serialises the site's applies across all its nodes until this transaction ends. Without it, two nodes applying
   * the same re-delivered batch would both read the old watermark and both write: entries applied twice, conflicts
   * recorded twice, and a value decided against a stale held value overwriting a newer one. Under READ COMMITTED
   * (the pool's level) each statement sees what was committed before it started, so the reads after the lock see
   * every apply that held it before; REPEATABLE READ would not, its snapshot being taken before the lock wait. The
   * lock is per site, not per origin, because applies of different origins meet on the same inode rows.
   */
  private void lockApplies(Connection c, Fence fence) throws SQLException {
    // a fenced apply names its writer in the statement, so pg_stat_activity shows which singleton waits for the lock
    String sql = fence == null ? LOCK_APPLIES : LOCK_APPLIES + " -- fence " + fence;
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setLong(1, applyLockKey);
      st.execute();
    }
  }

  /**
   * The commit returns before its WAL record is flushed: a crash of the database server may lose the last such
   * commits, never part of one (WAL replay restores whole transactions), and the watermarks commit with the values,
   * so the applier resumes from a consistent watermark. That is what {@link Durability#ASYNC} allows.
   */
  private static void commitAsynchronously(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(ASYNC_COMMIT);
    }
  }

  private Map<Integer, Long> readWatermarks(Connection c, String origin) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(SELECT_WATERMARKS)) {
      st.setString(1, site);
      st.setString(2, origin);
      Map<Integer, Long> watermarks = new HashMap<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) watermarks.put(rs.getInt(1), rs.getLong(2));
      }
      return watermarks;
    }
  }

  /** What is held for the given inodes, in one query. */
  private Map<Long, ApplyPlan.Held> held(Connection c, Set<Long> ids) throws SQLException {
    Map<Long, ApplyPlan.Held> held = new HashMap<>();
    values(c, ids).forEach((id, v) -> held.put(id, ApplyPlan.Held.of(v)));
    return held;
  }

  /** The stored values of the given inodes, in one query. */
  private Map<Long, StoredValue> values(Connection c, Set<Long> ids) throws SQLException {
    Array idArray = c.createArrayOf("bigint", ids.toArray(Long[]::new));
    try (PreparedStatement st = c.prepareStatement(SELECT_HELD)) {
      st.setString(1, site);
      st.setArray(2, idArray);
      Map<Long, StoredValue> values = new HashMap<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          values.put(id, StoreCodec.decodeValue(id, rs.getBytes(2)));
        }
      }
      return values;
    } finally {
      idArray.free();
    }
  }

  private void writeWinners(Connection c, Collection<StoredValue> winners) throws SQLException {
    if (winners.isEmpty()) return;
    try (PreparedStatement st = c.prepareStatement(UPSERT_VALUE)) {
      for (StoredValue v : winners) {
        st.setString(1, site);
        st.setLong(2, v.inodeId());
        st.setBytes(3, StoreCodec.encodeValue(v));
        st.addBatch();
      }
      st.executeBatch();
    }
    indexTombstones(c, winners);
  }

  /** Tombstones also go into the index their collection reads. */
  private void indexTombstones(Connection c, Collection<StoredValue> written) throws SQLException {
    List<StoredValue> tombstones = written.stream().filter(StoredValue::tombstone).toList();
    if (tombstones.isEmpty()) return;
    try (PreparedStatement st = c.prepareStatement(INDEX_TOMBSTONE)) {
      for (StoredValue v : tombstones) {
        st.setString(1, site);
        st.setString(2, v.version().originSite());
        st.setInt(3, v.shard());
        st.setLong(4, v.seq());
        st.setLong(5, v.inodeId());
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** Under the apply lock: the next ids, in the plan's order. */
  private List<WriteConflict> writeConflicts(Connection c, List<WriteConflict> conflicts) throws SQLException {
    if (conflicts.isEmpty()) return List.of();
    long last;
    try (PreparedStatement st = c.prepareStatement(TAKE_CONFLICT_IDS)) {
      st.setString(1, site);
      st.setLong(2, conflicts.size());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        last = rs.getLong(1) - conflicts.size();
      }
    }
    List<WriteConflict> stored = new ArrayList<>(conflicts.size());
    try (PreparedStatement st = c.prepareStatement(INSERT_CONFLICT)) {
      for (WriteConflict conflict : conflicts) {
        WriteConflict withId = conflict.withId(++last);
        st.setString(1, site);
        st.setLong(2, withId.id());
        st.setLong(3, withId.atMillis());
        st.setBytes(4, StoreCodec.encodeConflict(withId));
        st.addBatch();
        stored.add(withId);
      }
      st.executeBatch();
    }
    return stored;
  }

  private void writeWatermarks(Connection c, String origin, Map<Integer, Long> advanced) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(UPSERT_WATERMARK)) {
      for (Map.Entry<Integer, Long> w : advanced.entrySet()) {
        st.setString(1, site);
        st.setString(2, origin);
        st.setInt(3, w.getKey());
        st.setLong(4, w.getValue());
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** LATER too: its commit cannot be flushed after the fact (see {@link #sync}). */
  private boolean commitsSynchronously(Durability durability) {
    return durability != Durability.ASYNC && syncCommits;
  }

  /**
   * Nothing left to do: PostgreSQL cannot flush earlier asynchronous commits short of another write, so an apply of
   * {@link Durability#LATER} commits synchronously.
   */
  @Override
  public void sync() {
  }

  /**
   * The watermarks, then one synchronous commit of a logical message ({@link #flushWal}): its record comes after the
   * commit of every apply read here (a commit is visible only once its record is in the WAL), whichever node of the
   * site made it, so flushing it flushes them, {@link Durability#ASYNC} ones included. Nothing to flush when commits
   * are not synced.
   */
  @Override
  public Map<Integer, Long> durableWatermarks(String originSite) {
    Map<Integer, Long> watermarks = watermarks(originSite);
    if (syncCommits) flushWal();
    return watermarks;
  }

  /** Commits a logical message synchronously; returns where its record ends in the WAL (flushed by then). */
  String flushWal() {
    return guarded(() -> db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.execute(SYNC_COMMIT);
        try (ResultSet rs = st.executeQuery(FLUSH_MESSAGE)) {
          rs.next();
          return rs.getString(1);
        }
      }
    }));
  }

  @Override
  public long watermark(String originSite, int shard) {
    return guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(SELECT_WATERMARK)) {
        st.setString(1, site);
        st.setString(2, originSite);
        st.setInt(3, shard);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    }));
  }

  @Override
  public Map<Integer, Long> watermarks(String originSite) {
    return guarded(() -> Map.copyOf(db.withConnection(c -> readWatermarks(c, originSite))));
  }

  @Override
  public Optional<StoredValue> get(long inodeId) {
    return guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(SELECT_VALUE)) {
        st.setString(1, site);
        st.setLong(2, inodeId);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(StoreCodec.decodeValue(inodeId, rs.getBytes(1))) : Optional.empty();
        }
      }
    }));
  }

  @Override
  public Map<Long, StoredValue> getAll(Collection<Long> inodeIds) {
    return guarded(() -> db.withConnection(c -> values(c, new LinkedHashSet<>(inodeIds))));
  }

  /** See {@link PostgresStoreScan}. */
  @Override
  public void scan(Consumer<StoredValue> visitor) {
    guarded(() -> db.inTransaction(c -> {
      PostgresStoreScan.scan(c, site, visitor);
      return null;
    }));
  }

  /** Under the site's apply lock, like an apply: no apply of any node writes between the read and the commit. */
  @Override
  public RepairResult repair(List<StoredValue> values, Durability durability) {
    RepairPlan plan = new RepairPlan(values);
    boolean synchronous = commitsSynchronously(durability);
    return guarded(() -> db.inTransaction(c -> {
      lockApplies(c, null);
      if (!synchronous) commitAsynchronously(c);
      plan.resolve(held(c, plan.inodes()));
      writeWinners(c, plan.writes().stream().map(RepairResult.Repaired::value).toList());
      return plan.result();
    }));
  }

  /** Under the site's apply lock, like an apply: no apply of any node writes between the reads and the commit. */
  @Override
  public long collectTombstones(String originSite, Map<Integer, Long> stableSeqs, long olderThanHlc, int max) {
    TombstonePlan plan = new TombstonePlan(originSite, stableSeqs, olderThanHlc, max);
    // surveyed outside the apply lock, decided under it (see TombstonePlan)
    List<TombstonePlan.Candidate> due = guarded(() -> db.withConnection(c -> plan.survey(tombstoneIndex(c,
        originSite))));
    if (due.isEmpty()) return 0L;
    return guarded(() -> db.inTransaction(c -> {
      lockApplies(c, null);
      Map<Long, StoredValue> held = values(c, TombstonePlan.inodes(due));
      due.forEach(candidate -> plan.decide(candidate, held.get(candidate.inodeId())));
      if (plan.writesNothing()) return 0L;
      try (PreparedStatement values = c.prepareStatement(DELETE_VALUE);
           PreparedStatement index = c.prepareStatement(DELETE_TOMBSTONE_INDEX)) {
        for (TombstonePlan.Candidate removed : plan.removed()) {
          values.setString(1, site);
          values.setLong(2, removed.inodeId());
          values.addBatch();
        }
        List<TombstonePlan.Candidate> dropped = new ArrayList<>(plan.removed());
        dropped.addAll(plan.stale());
        for (TombstonePlan.Candidate entry : dropped) {
          index.setString(1, site);
          index.setString(2, originSite);
          index.setInt(3, entry.shard());
          index.setLong(4, entry.seq());
          index.setLong(5, entry.inodeId());
          index.addBatch();
        }
        if (!plan.removed().isEmpty()) values.executeBatch();
        index.executeBatch();
      }
      return (long) plan.removed().size();
    }));
  }

  /** The tombstone index of {@code origin} as a survey reads it, on connection {@code c}. */
  private TombstonePlan.Index tombstoneIndex(Connection c, String origin) {
    return new TombstonePlan.Index() {
      @Override
      public List<TombstonePlan.Candidate> after(int shard, TombstonePlan.Candidate last, long uptoSeq, int limit) {
        List<TombstonePlan.Candidate> found = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(SELECT_TOMBSTONES)) {
          st.setString(1, site);
          st.setString(2, origin);
          st.setInt(3, shard);
          // from the first: past every entry of seq 0, which no stable seq covers
          st.setLong(4, last == null ? 0 : last.seq());
          st.setLong(5, last == null ? Long.MAX_VALUE : last.inodeId());
          st.setLong(6, uptoSeq);
          st.setInt(7, limit);
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) found.add(new TombstonePlan.Candidate(shard, rs.getLong(1), rs.getLong(2)));
          }
        } catch (SQLException e) {
          throw new StorageException("reading the tombstone index failed", e);
        }
        return found;
      }

      @Override
      public Map<Long, StoredValue> held(Set<Long> inodeIds) {
        try {
          return values(c, inodeIds);
        } catch (SQLException e) {
          throw new StorageException("reading the values of tombstones failed", e);
        }
      }
    };
  }

  @Override
  public Optional<UUID> incarnation(String originSite) {
    return guarded(() -> db.withConnection(c -> PostgresIncarnations.held(c, site, originSite)));
  }

  @Override
  public IncarnationCheck adoptIncarnation(String originSite, UUID incarnation) {
    return guarded(() -> db.inTransaction(c -> {
      lockApplies(c, null);
      return PostgresIncarnations.adopt(c, site, originSite, incarnation, readWatermarks(c, originSite));
    }));
  }

  @Override
  public Optional<ForgottenOrigin> forgetIncarnation(String originSite, UUID expected) {
    return guarded(() -> db.inTransaction(c -> {
      lockApplies(c, null);
      return PostgresIncarnations.forget(c, site, originSite, expected, () -> readWatermarks(c, originSite));
    }));
  }

  /** See {@link PostgresSnapshotView}: a pooled connection is the snapshot's until it is closed. */
  @Override
  public StoreSnapshot openSnapshot() {
    return guarded(() -> snapshots.track(PostgresSnapshotView.open(db.dataSource(), site)));
  }

  /** Under the site's apply lock, like an adoption: no apply of any node writes between the reads and the commit. */
  @Override
  public MarksInstalled installMarks(Map<String, OriginMarks> marks, Durability durability) {
    MarksPlan plan = new MarksPlan(marks);
    boolean synchronous = commitsSynchronously(durability);
    return guarded(() -> db.inTransaction(c -> {
      lockApplies(c, null);
      for (String origin : plan.origins()) {
        plan.decide(origin, PostgresIncarnations.held(c, site, origin), readWatermarks(c, origin));
      }
      if (plan.writesNothing()) return plan.result();
      if (!synchronous) commitAsynchronously(c);
      PostgresIncarnations.write(c, site, plan.adopted());
      for (Map.Entry<String, Map<Integer, Long>> raised : plan.raised().entrySet()) {
        writeWatermarks(c, raised.getKey(), raised.getValue());
      }
      return plan.result();
    }));
  }

  @Override
  public Map<Long, Seen> knowledge(Collection<Long> inodeIds) {
    Map<Long, Seen> known = new HashMap<>();
    getAll(inodeIds).forEach((id, value) -> known.put(id, value.knowledgeWithSelf()));
    return known;
  }

  @Override
  public List<WriteConflict> conflicts(long afterId, int limit) {
    if (limit < 0) throw new IllegalArgumentException("limit must be >= 0, was " + limit);
    return guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(SELECT_CONFLICTS)) {
        st.setString(1, site);
        st.setLong(2, afterId);
        st.setInt(3, limit);
        List<WriteConflict> conflicts = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) conflicts.add(StoreCodec.decodeConflict(rs.getLong(1), rs.getBytes(2)));
        }
        return conflicts;
      }
    }));
  }

  @Override
  public long trimConflicts(long olderThanMillis, long maxRecords) {
    if (maxRecords < 0) throw new IllegalArgumentException("maxRecords must be >= 0, was " + maxRecords);
    return guarded(() -> db.inTransaction(c -> {
      try (PreparedStatement st = c.prepareStatement(TRIM_CONFLICTS)) {
        st.setString(1, site);
        st.setString(2, site);
        st.setLong(3, maxRecords);
        st.setString(4, site);
        st.setLong(5, olderThanMillis);
        return (long) st.executeUpdate();
      }
    }));
  }

  /** Runs an operation unless the store is closed; {@link #close} waits for the running ones. */
  private <T> T guarded(Supplier<T> operation) {
    return lifecycle.guarded(operation);
  }

  /**
   * Waits for running operations, then refuses new ones and releases the snapshots left open (their connections go
   * back to the pool). Leaves the database pool open: the node owns it and closes it after its store and journal.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!lifecycle.close()) return;
    snapshots.closeAll();
    log.info("Metadata store of site {} closed", site);
  }
}
