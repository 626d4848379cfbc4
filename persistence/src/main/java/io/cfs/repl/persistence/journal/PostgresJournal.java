package io.cfs.repl.persistence.journal;

import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalJournal} on PostgreSQL, shared by every node of a site (tables {@code cfs_journal} and
 * {@code cfs_journal_heads}), so any node may append and whichever node hosts a SiteReplicator reads the same journal.
 * A row holds the entry in {@link EntryCodec}'s layout, which entries are read from, and beside it, for queries, its
 * hlc and its epoch.
 *
 * <p>Write path: as in {@link RocksDbJournal}, one writer per node takes every queued call and commits them as
 * one group, here one transaction: it locks the head rows of the group's shards, validates the calls in queue order
 * against those heads ({@link PendingGroup}), inserts the new entries, advances the heads and notifies the site's
 * channel; the commit is the fsync.
 *
 * <p>Invariants, beyond those of {@link LocalJournal}:
 * <ul>
 *   <li>appends to one shard, from any node, commit one after another in seq order (they hold that shard's head row),
 *       so a reader never sees seq n + 1 without n;</li>
 *   <li>a failed transaction wrote nothing, so unlike the embedded journal later appends go on (each group re-reads
 *       the heads); a call whose commit outcome is unknown fails and its retry is idempotent;</li>
 *   <li>tails wake on local commits at once, on other nodes' commits by LISTEN/NOTIFY, and at the latest every
 *       {@code tail-poll-interval}.</li>
 *   <li>collection ({@link #collect}) deletes a prefix of a shard's rows and raises its row of
 *       {@code cfs_journal_horizons} in one transaction; readers read the horizons with the heads.</li>
 * </ul>
 */
public final class PostgresJournal implements LocalJournal {
  private static final Logger log = LoggerFactory.getLogger(PostgresJournal.class);

  private final PostgresDatabase db;
  private final String localSite;
  private final UUID incarnation;
  private final JournalSettings settings;
  private final GroupCommitWriter writer;
  private final AppendListener listener;
  private final Lifecycle lifecycle;
  private final PostgresJournalReads reads;
  private final FairBatchReader batchReader;
  private final TailCache tailCache;
  /** Replaced and fired by the writer and the notification listener alike: swapped atomically, no tail misses one. */
  private final AtomicReference<CompletableFuture<Void>> nextAppend = new AtomicReference<>(new CompletableFuture<>());

  private PostgresJournal(PostgresDatabase db, String localSite, JournalSettings settings, UUID incarnation,
                          SeenSource seen) {
    this.db = db;
    this.localSite = localSite;
    this.incarnation = incarnation;
    this.settings = settings;
    this.writer = new GroupCommitWriter(localSite, settings, seen, this::commit);
    this.lifecycle = new Lifecycle("journal of " + localSite);
    this.reads = new PostgresJournalReads(db, localSite, lifecycle);
    this.batchReader = new FairBatchReader(localSite);
    this.tailCache = new TailCache(settings.tailCacheBytes());
    this.listener = new AppendListener(db, channel(localSite), db.settings().tailPollInterval(), this::wakeTails);
  }

  /** Opens the journal of {@code localSite} in the shared database, stamping nothing seen. */
  public static PostgresJournal open(PostgresDatabase db, String localSite, JournalSettings settings) {
    return open(db, localSite, settings, SeenSource.NONE);
  }

  /**
   * Opens the journal of {@code localSite} in the shared database; the caller keeps ownership of {@code db}. Appended
   * entries are stamped with what {@code seen} says the site knows of their inodes.
   */
  public static PostgresJournal open(PostgresDatabase db, String localSite, JournalSettings settings,
                                     SeenSource seen) {
    JournalEntry.validateSiteId(localSite);
    PostgresJournal journal = new PostgresJournal(db, localSite, settings, incarnation(db, localSite), seen);
    journal.writer.start();
    journal.listener.start();
    log.info("Journal of {} opened on PostgreSQL {} with {} shards, incarnation {}", localSite, db.settings().url(),
        journal.heads().size(), journal.incarnation);
    return journal;
  }

  /**
   * The site's incarnation: the row another node (or an earlier open) created, or one created now. Nodes opening
   * together race on the insert; the primary key lets one win and every node reads the winner's id.
   */
  private static UUID incarnation(PostgresDatabase db, String site) {
    return db.inTransaction(c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO cfs_journal_incarnation (site, incarnation,"
          + " created_ms) VALUES (?, ?, ?) ON CONFLICT (site) DO NOTHING")) {
        st.setString(1, site);
        st.setObject(2, UUID.randomUUID());
        st.setLong(3, System.currentTimeMillis());
        st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement(
          "SELECT incarnation FROM cfs_journal_incarnation WHERE site = ?")) {
        st.setString(1, site);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          return rs.getObject(1, UUID.class);
        }
      }
    });
  }

  /** The NOTIFY channel of a site: a short identifier whatever characters the site id holds. */
  static String channel(String site) {
    CRC32C crc = new CRC32C();
    crc.update(site.getBytes(StandardCharsets.UTF_8));
    return String.format("cfs_journal_%08x", crc.getValue());
  }

  @Override
  public String localSite() {
    return localSite;
  }

  @Override
  public UUID incarnation() {
    return incarnation;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    return writer.append(entries);
  }

  /** One transaction for the whole group; promises complete after the commit (or fail with it). */
  private void commit(List<GroupCommitWriter.Call> group) {
    List<List<JournalEntry>> written = new ArrayList<>(1); // the last attempt's, if the transaction is retried
    PendingGroup.Admission admission = db.inTransaction(c -> {
      Map<Integer, Long> committed = lockHeads(c, group);
      PendingGroup pending = new PendingGroup(shard -> committed.getOrDefault(shard, 0L),
          (shard, seq) -> lookup(c, shard, seq));
      PendingGroup.Admission admitted = pending.admitAll(group);
      if (admitted.writesEntries()) write(c, pending);
      written.clear();
      written.add(pending.entries());
      return admitted;
    });
    if (admission.writesEntries()) {
      tailCache.added(written.get(0)); // committed: this node's tails take them from memory
      wakeTails();
    }
    admission.complete();
  }

  /** The group's new entries and heads, and the notification other nodes' tails wait for (sent on commit). */
  private void write(Connection c, PendingGroup pending) throws SQLException {
    if (!settings.sync()) execute(c, "SET LOCAL synchronous_commit = off");
    insert(c, pending.entries());
    advanceHeads(c, pending.heads());
    try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, '')")) {
      st.setString(1, channel(localSite));
      st.execute();
    }
  }

  /** Creates missing head rows, then locks the group's head rows in shard order (no deadlock between nodes). */
  private Map<Integer, Long> lockHeads(Connection c, List<GroupCommitWriter.Call> group) throws SQLException {
    Integer[] shards = group.stream().flatMap(call -> call.entries().stream()).map(JournalEntry::shard).distinct()
        .sorted().toArray(Integer[]::new);
    Array shardArray = c.createArrayOf("int4", shards);
    try (PreparedStatement st = c.prepareStatement("INSERT INTO cfs_journal_heads (site, shard, head) "
        + "SELECT ?, s, 0 FROM unnest(?::int4[]) AS s ON CONFLICT DO NOTHING")) {
      st.setString(1, localSite);
      st.setArray(2, shardArray);
      st.executeUpdate();
    }
    Map<Integer, Long> heads = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT shard, head FROM cfs_journal_heads "
        + "WHERE site = ? AND shard = ANY(?::int4[]) ORDER BY shard FOR UPDATE")) {
      st.setString(1, localSite);
      st.setArray(2, shardArray);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) heads.put(rs.getInt(1), rs.getLong(2));
      }
    }
    return heads;
  }

  private JournalEntry lookup(Connection c, int shard, long seq) {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT entry FROM cfs_journal WHERE site = ? AND shard = ? AND seq = ?")) {
      st.setString(1, localSite);
      st.setInt(2, shard);
      st.setLong(3, seq);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? EntryCodec.decode(rs.getBytes(1)) : null;
      }
    } catch (SQLException e) {
      throw new StorageException("journal read of " + shard + "/" + seq + " failed", e);
    }
  }

  private void insert(Connection c, List<JournalEntry> entries) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO cfs_journal (site, shard, seq, hlc, epoch, entry) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (JournalEntry e : entries) {
        st.setString(1, localSite);
        st.setInt(2, e.shard());
        st.setLong(3, e.seq());
        st.setLong(4, e.hlc());
        st.setLong(5, e.epoch());
        st.setBytes(6, EntryCodec.encode(e));
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private void advanceHeads(Connection c, Map<Integer, Long> heads) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "UPDATE cfs_journal_heads SET head = ? WHERE site = ? AND shard = ?")) {
      for (Map.Entry<Integer, Long> h : heads.entrySet()) {
        st.setLong(1, h.getValue());
        st.setString(2, localSite);
        st.setInt(3, h.getKey());
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private void wakeTails() {
    nextAppend.getAndSet(new CompletableFuture<>()).complete(null);
  }

  @Override
  public long headSeq(int shard) {
    return reads.headSeq(shard);
  }

  @Override
  public Map<Integer, Long> heads() {
    return reads.heads();
  }

  @Override
  public List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
    return reads.read(shard, fromSeq, maxEntries);
  }

  /**
   * At most three queries whatever the number of shards: the heads with the horizons, then one per pass of the
   * reader. The positions are checked against the horizons before this node's tail cache may answer.
   */
  @Override
  public List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    PostgresJournalReads.Shards shards = reads.shards();
    JournalHorizon.checkPositions(localSite, shards.heads(), positions, shards::collectedThrough);
    return batchReader.read(shards.heads(), positions, maxEntries, maxBytes, tailCache.over(reads));
  }

  @Override
  public long horizon(int shard) {
    return reads.collectedThrough(shard) + 1;
  }

  /**
   * One transaction: the rows go and the horizons move together, so every node of the site sees both or neither. The
   * plan is made from heads and horizons read just before: heads only grow and horizons only rise, so a plan made
   * from older ones asks for no more than may go; a node collecting at the same time (a singleton handing over)
   * deletes what is left of the same rows, and the horizon keeps the greater.
   */
  @Override
  public long collect(Map<Integer, Long> upToInclusive) {
    PostgresJournalReads.Shards shards = reads.shards();
    Map<Integer, Long> plan = JournalHorizon.plan(upToInclusive, shard -> shards.heads().getOrDefault(shard, 0L),
        shards::collectedThrough);
    if (plan.isEmpty()) return 0;
    Integer[] planned = plan.keySet().toArray(Integer[]::new);
    Long[] from = plan.keySet().stream().map(shard -> shards.collectedThrough(shard) + 1).toArray(Long[]::new);
    Long[] through = plan.values().toArray(Long[]::new);
    return lifecycle.guarded(() -> db.inTransaction(c -> {
      int removed;
      try (PreparedStatement st = c.prepareStatement("DELETE FROM cfs_journal j "
          + "USING unnest(?::int4[], ?::int8[], ?::int8[]) AS p(shard, first_seq, last_seq) "
          + "WHERE j.site = ? AND j.shard = p.shard AND j.seq BETWEEN p.first_seq AND p.last_seq")) {
        st.setArray(1, c.createArrayOf("int4", planned));
        st.setArray(2, c.createArrayOf("int8", from));
        st.setArray(3, c.createArrayOf("int8", through));
        st.setString(4, localSite);
        removed = st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement("INSERT INTO cfs_journal_horizons (site, shard, collected) "
          + "SELECT ?, p.shard, p.collected FROM unnest(?::int4[], ?::int8[]) AS p(shard, collected) "
          + "ON CONFLICT (site, shard) DO UPDATE "
          + "SET collected = GREATEST(cfs_journal_horizons.collected, EXCLUDED.collected)")) {
        st.setString(1, localSite);
        st.setArray(2, c.createArrayOf("int4", planned));
        st.setArray(3, c.createArrayOf("int8", through));
        st.executeUpdate();
      }
      return (long) removed;
    }));
  }

  @Override
  public JournalFootprint footprint() {
    return reads.footprint();
  }

  @Override
  public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries,
                                                  LongSupplier maxBytes, Executor reads) {
    // the heads are in the database (every node of the site writes this journal): each read is a round trip
    return TailStage.batches(positions, maxEntries, maxBytes, (p, n, b) -> null, this::readBatch, reads,
        nextAppend::get, tailCache);
  }

  @Override
  public OptionalLong hlcAt(int shard, long seq) {
    return reads.hlcAt(shard, seq);
  }

  @Override
  public JournalLag lagBehind(Map<Integer, Long> positions) {
    return reads.lagBehind(positions);
  }

  /**
   * Stops accepting appends, completes every append already queued, stops listening and fails waiting tails. The
   * database pool belongs to the caller. Idempotent.
   */
  @Override
  public void close() {
    if (!lifecycle.close()) return;
    writer.stop();
    listener.stop();
    nextAppend.get().completeExceptionally(new IllegalStateException("journal of " + localSite + " closed"));
    log.info("Journal of {} closed", localSite);
  }
}
