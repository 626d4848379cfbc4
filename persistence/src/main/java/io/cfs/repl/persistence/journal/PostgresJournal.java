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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LocalJournal} on PostgreSQL, shared by every node of a site (tables {@code cfs_journal} and
 * {@code cfs_journal_heads}), so any node may append and whichever node hosts a SiteReplicator reads the same journal.
 *
 * <p>Write path: as in {@link RocksDbJournal}, one writer thread per node takes every queued call and commits them as
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
 * </ul>
 */
public final class PostgresJournal implements LocalJournal {
  private static final Logger log = LoggerFactory.getLogger(PostgresJournal.class);

  private final PostgresDatabase db;
  private final String localSite;
  private final JournalSettings settings;
  private final GroupCommitWriter writer;
  private final AppendListener listener;
  private final Lifecycle lifecycle;
  private final AtomicInteger rotation = new AtomicInteger();
  private volatile CompletableFuture<Void> nextAppend = new CompletableFuture<>();

  private PostgresJournal(PostgresDatabase db, String localSite, JournalSettings settings) {
    this.db = db;
    this.localSite = localSite;
    this.settings = settings;
    this.writer = new GroupCommitWriter(localSite, settings, this::commit);
    this.lifecycle = new Lifecycle("journal of " + localSite);
    this.listener = new AppendListener(db, channel(localSite), db.settings().tailPollInterval(), this::wakeTails);
  }

  /** Opens the journal of {@code localSite} in the shared database; the caller keeps ownership of {@code db}. */
  public static PostgresJournal open(PostgresDatabase db, String localSite, JournalSettings settings) {
    JournalEntry.validateSiteId(localSite);
    PostgresJournal journal = new PostgresJournal(db, localSite, settings);
    journal.writer.start();
    journal.listener.start();
    log.info("Journal of {} opened on PostgreSQL {} with {} shards", localSite, db.settings().url(),
        journal.heads().size());
    return journal;
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
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    return writer.append(entries);
  }

  /** One transaction for the whole group; promises complete after the commit (or fail with it). */
  private void commit(List<GroupCommitWriter.Call> group) {
    PendingGroup.Admission admission = db.inTransaction(c -> {
      Map<Integer, Long> committed = lockHeads(c, group);
      PendingGroup pending = new PendingGroup(shard -> committed.getOrDefault(shard, 0L),
          (shard, seq) -> lookup(c, shard, seq));
      PendingGroup.Admission admitted = pending.admitAll(group);
      if (admitted.writesEntries()) write(c, pending);
      return admitted;
    });
    if (admission.writesEntries()) wakeTails();
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
        "INSERT INTO cfs_journal (site, shard, seq, hlc, entry) VALUES (?, ?, ?, ?, ?)")) {
      for (JournalEntry e : entries) {
        st.setString(1, localSite);
        st.setInt(2, e.shard());
        st.setLong(3, e.seq());
        st.setLong(4, e.hlc());
        st.setBytes(5, EntryCodec.encode(e));
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
    CompletableFuture<Void> fired = nextAppend;
    nextAppend = new CompletableFuture<>();
    fired.complete(null);
  }

  @Override
  public long headSeq(int shard) {
    return query("SELECT head FROM cfs_journal_heads WHERE site = ? AND shard = ?", st -> st.setInt(2, shard),
        rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  @Override
  public Map<Integer, Long> heads() {
    return query("SELECT shard, head FROM cfs_journal_heads WHERE site = ? AND head > 0", st -> { }, rs -> {
      Map<Integer, Long> heads = new TreeMap<>();
      while (rs.next()) heads.put(rs.getInt(1), rs.getLong(2));
      return heads;
    });
  }

  @Override
  public List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
    AppendChecks.requireArgument(fromSeq >= 1, "fromSeq must be >= 1, was " + fromSeq);
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    return query("SELECT entry FROM cfs_journal WHERE site = ? AND shard = ? AND seq >= ? ORDER BY seq LIMIT ?",
        st -> {
          st.setInt(2, shard);
          st.setLong(3, fromSeq);
          st.setInt(4, maxEntries);
        }, PostgresJournal::entries);
  }

  /**
   * Fair across shards as {@link FairBatchReader}: every shard with entries beyond its position gets an equal share
   * of the entry budget in a first query, and what is left goes to the shards that have more in a second one. Rows
   * come interleaved by distance from their position, from a start that rotates between calls, so the byte budget
   * and a batch smaller than the number of waiting shards cut evenly too. The first entry is always taken, so an
   * oversized entry cannot block a tail. Within the batch each shard's entries are in seq order.
   */
  @Override
  public List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    AppendChecks.requireArgument(maxBytes >= 1, "maxBytes must be >= 1, was " + maxBytes);
    Map<Integer, Long> from = new LinkedHashMap<>();
    heads().forEach((shard, head) -> {
      long position = positions.getOrDefault(shard, 0L);
      if (head > position) from.put(shard, position);
    });
    if (from.isEmpty()) return List.of();
    List<Integer> waiting = new ArrayList<>(from.keySet());
    Collections.rotate(waiting, -Math.floorMod(rotation.get(), waiting.size()));
    BatchBudget budget = new BatchBudget(maxEntries, maxBytes);
    Set<Integer> served = new HashSet<>();
    List<Integer> more = take(waiting, from, ceilDiv(maxEntries, waiting.size()), budget, served);
    if (!more.isEmpty() && !budget.exhausted()) take(more, from, budget.entriesLeft(), budget, served);
    rotation.addAndGet(served.size());
    return budget.batch;
  }

  /**
   * Reads up to {@code share} entries of each shard past {@code from} (advanced as entries are taken) within the
   * budget; returns the shards that had a full share, so may hold more.
   */
  private List<Integer> take(List<Integer> shards, Map<Integer, Long> from, int share, BatchBudget budget,
                             Set<Integer> served) {
    List<Long> positions = shards.stream().map(from::get).toList();
    Integer[] order = new Integer[shards.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    List<byte[]> rows = rawQuery("SELECT j.entry FROM unnest(?::int4[], ?::int8[], ?::int4[]) AS p(shard, pos, ord) "
            + "CROSS JOIN LATERAL (SELECT entry, seq FROM cfs_journal WHERE site = ? AND shard = p.shard "
            + "AND seq > p.pos ORDER BY seq LIMIT ?) j ORDER BY j.seq - p.pos, p.ord",
        st -> {
          Connection c = st.getConnection();
          st.setArray(1, c.createArrayOf("int4", shards.toArray()));
          st.setArray(2, c.createArrayOf("int8", positions.toArray()));
          st.setArray(3, c.createArrayOf("int4", order));
          st.setString(4, localSite);
          st.setInt(5, share);
        }, rs -> {
          List<byte[]> out = new ArrayList<>();
          while (rs.next()) out.add(rs.getBytes(1));
          return out;
        });
    Map<Integer, Integer> taken = new HashMap<>();
    for (byte[] row : rows) {
      if (!budget.admits(row.length)) break;
      JournalEntry e = EntryCodec.decode(row);
      budget.add(e, row.length);
      from.put(e.shard(), e.seq());
      taken.merge(e.shard(), 1, Integer::sum);
      served.add(e.shard());
    }
    return shards.stream().filter(shard -> taken.getOrDefault(shard, 0) == share).toList();
  }

  private static int ceilDiv(int x, int n) {
    return (x + n - 1) / n;
  }

  /** Entries taken so far and what the count and byte bounds still allow. */
  private static final class BatchBudget {
    final List<JournalEntry> batch = new ArrayList<>();
    final int maxEntries;
    final long maxBytes;
    long bytes;

    BatchBudget(int maxEntries, long maxBytes) {
      this.maxEntries = maxEntries;
      this.maxBytes = maxBytes;
    }

    boolean admits(int size) {
      return batch.isEmpty() || (batch.size() < maxEntries && bytes + size <= maxBytes);
    }

    void add(JournalEntry e, int size) {
      batch.add(e);
      bytes += size;
    }

    boolean exhausted() {
      return batch.size() >= maxEntries || bytes >= maxBytes;
    }

    int entriesLeft() {
      return maxEntries - batch.size();
    }
  }

  @Override
  public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    return TailStage.batches(this, positions, maxEntries, maxBytes, () -> nextAppend);
  }

  @Override
  public Source<JournalEntry, NotUsed> source(int shard, long fromSeq) {
    return TailStage.entries(this, shard, fromSeq, () -> nextAppend);
  }

  @Override
  public OptionalLong hlcAt(int shard, long seq) {
    if (seq < 1) return OptionalLong.empty();
    return query("SELECT hlc FROM cfs_journal WHERE site = ? AND shard = ? AND seq = ?", st -> {
      st.setInt(2, shard);
      st.setLong(3, seq);
    }, rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
  }

  /** One round trip: every shard's head beside its position, and the hlc of the first entry past it. */
  @Override
  public JournalLag lagBehind(Map<Integer, Long> positions) {
    List<Integer> shards = new ArrayList<>(positions.keySet());
    List<Long> seqs = shards.stream().map(positions::get).toList();
    return rawQuery("SELECT h.head - COALESCE(p.pos, 0), (SELECT j.hlc FROM cfs_journal j WHERE j.site = h.site "
            + "AND j.shard = h.shard AND j.seq = COALESCE(p.pos, 0) + 1) FROM cfs_journal_heads h "
            + "LEFT JOIN unnest(?::int4[], ?::int8[]) AS p(shard, pos) ON p.shard = h.shard "
            + "WHERE h.site = ? AND h.head > COALESCE(p.pos, 0)",
        st -> {
          Connection c = st.getConnection();
          st.setArray(1, c.createArrayOf("int4", shards.toArray()));
          st.setArray(2, c.createArrayOf("int8", seqs.toArray()));
          st.setString(3, localSite);
        }, rs -> {
          long entries = 0;
          long oldest = 0;
          while (rs.next()) {
            entries += rs.getLong(1);
            long hlc = rs.getLong(2);
            if (!rs.wasNull() && (oldest == 0 || hlc < oldest)) oldest = hlc;
          }
          return new JournalLag(entries, oldest);
        });
  }

  private static List<JournalEntry> entries(ResultSet rs) throws SQLException {
    List<JournalEntry> out = new ArrayList<>();
    while (rs.next()) out.add(EntryCodec.decode(rs.getBytes(1)));
    return out;
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement st) throws SQLException;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A read whose first parameter is this site. */
  private <T> T query(String sql, Binder binder, Reader<T> reader) {
    return rawQuery(sql, st -> {
      st.setString(1, localSite);
      binder.bind(st);
    }, reader);
  }

  private <T> T rawQuery(String sql, Binder binder, Reader<T> reader) {
    return lifecycle.guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        binder.bind(st);
        try (ResultSet rs = st.executeQuery()) {
          return reader.read(rs);
        }
      }
    }));
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
    nextAppend.completeExceptionally(new IllegalStateException("journal of " + localSite + " closed"));
    log.info("Journal of {} closed", localSite);
  }
}
