package io.cfs.repl.persistence.audit;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditLog} on PostgreSQL: one site's rows of {@code cfs_audit} ({@code postgres/cfs-repl-schema.sql}), indexed
 * by (site, at_ms, id) for time ranges and paging and by (site, kind, at_ms, id) for kind filters. Every node of the
 * site records into and reads the same rows, so the site has one audit trail whichever node is asked.
 *
 * <p>Invariants, beyond those of {@link AuditLog}:
 * <ul>
 *   <li>a call's ids are taken from the table's sequence before its insert, in one transaction with it, so the ids of
 *       one call increase in the call's order (calls of two nodes at once may interleave their ids);</li>
 *   <li>a kind this version does not know is never selected (the query names the kinds it knows);</li>
 *   <li>retention deletes at most {@code deleteChunk} rows per statement, each its own transaction, so it never holds
 *       many row locks for long;</li>
 *   <li>the log does not own the {@link PostgresDatabase}: closing it leaves the pool open.</li>
 * </ul>
 */
public final class PostgresAuditLog implements AuditLog {
  private static final Logger log = LoggerFactory.getLogger(PostgresAuditLog.class);
  static final int DELETE_CHUNK = 10_000;

  private static final String NEXT_IDS =
      "SELECT nextval(pg_get_serial_sequence('cfs_audit', 'id')) FROM generate_series(1, ?)";
  private static final String INSERT = "INSERT INTO cfs_audit"
      + " (site, id, at_ms, kind, peer, inode, shard, seq, detail, attributes)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb_object(?::text[], ?::text[]))";
  private static final String SELECT = "SELECT id, at_ms, kind, peer, inode, shard, seq, detail,"
      + " ARRAY(SELECT key FROM jsonb_each_text(attributes) ORDER BY key),"
      + " ARRAY(SELECT value FROM jsonb_each_text(attributes) ORDER BY key)"
      + " FROM cfs_audit WHERE site = ? AND at_ms >= ? AND at_ms < ? AND kind = ANY(?)";
  private static final String ORDER = " ORDER BY at_ms DESC, id DESC LIMIT ?";
  /** The newest record beyond the {@code ?} newest ones: the first that trimming removes. */
  private static final String TRIM_BOUNDARY =
      "SELECT at_ms, id FROM cfs_audit WHERE site = ? ORDER BY at_ms DESC, id DESC OFFSET ? LIMIT 1";
  private static final String DELETE_BEFORE = "DELETE FROM cfs_audit WHERE site = ? AND id IN"
      + " (SELECT id FROM cfs_audit WHERE site = ? AND (at_ms, id) < (?, ?) ORDER BY at_ms, id LIMIT ?)";

  private final PostgresDatabase db;
  private final String site;
  private final int deleteChunk;
  private final Lifecycle lifecycle;

  private PostgresAuditLog(PostgresDatabase db, String site, int deleteChunk) {
    this.db = db;
    this.site = site;
    this.deleteChunk = deleteChunk;
    this.lifecycle = new Lifecycle("audit log of " + site);
  }

  /** The audit log of {@code site} on {@code db}, whose tables {@link PostgresDatabase#open} created. */
  public static PostgresAuditLog open(PostgresDatabase db, String site) {
    return open(db, site, DELETE_CHUNK);
  }

  static PostgresAuditLog open(PostgresDatabase db, String site, int deleteChunk) {
    if (db == null) throw new IllegalArgumentException("database is required");
    JournalEntry.validateSiteId(site);
    log.info("Audit log of site {} opened on PostgreSQL at {}", site, db.settings().url());
    return new PostgresAuditLog(db, site, deleteChunk);
  }

  @Override
  public String site() {
    return site;
  }

  @Override
  public List<AuditRecord> record(List<AuditRecord> records) {
    AuditLogs.requireSite(site, records);
    if (records.isEmpty()) return List.of();
    return lifecycle.guarded(() -> db.inTransaction(c -> {
      List<AuditRecord> stored = new ArrayList<>(records.size());
      List<Long> ids = nextIds(c, records.size());
      for (int i = 0; i < records.size(); i++) stored.add(records.get(i).withId(ids.get(i)));
      try (PreparedStatement st = c.prepareStatement(INSERT)) {
        for (AuditRecord r : stored) {
          bind(c, st, r);
          st.addBatch();
        }
        st.executeBatch();
      }
      return stored;
    }));
  }

  private static List<Long> nextIds(Connection c, int n) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(NEXT_IDS)) {
      st.setInt(1, n);
      List<Long> ids = new ArrayList<>(n);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
      ids.sort(null);
      return ids;
    }
  }

  private void bind(Connection c, PreparedStatement st, AuditRecord r) throws SQLException {
    st.setString(1, site);
    st.setLong(2, r.id());
    st.setLong(3, r.atMillis());
    st.setString(4, r.kind().name());
    st.setString(5, r.peer());
    st.setObject(6, r.inode(), Types.BIGINT);
    st.setObject(7, r.shard(), Types.INTEGER);
    st.setObject(8, r.seq(), Types.BIGINT);
    st.setString(9, r.detail());
    st.setArray(10, c.createArrayOf("text", r.attributes().keySet().toArray(String[]::new)));
    st.setArray(11, c.createArrayOf("text", r.attributes().values().toArray(String[]::new)));
  }

  @Override
  public AuditPage query(AuditQuery query) {
    StringBuilder sql = new StringBuilder(SELECT);
    if (query.site() != null) sql.append(" AND (site = ? OR peer = ?)");
    if (query.inode() != null) sql.append(" AND inode = ?");
    if (query.after() != null) sql.append(" AND (at_ms, id) < (?, ?)");
    sql.append(ORDER);
    return lifecycle.guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(sql.toString())) {
        int p = 1;
        st.setString(p++, site);
        st.setLong(p++, query.sinceMillis());
        st.setLong(p++, query.untilMillis());
        st.setArray(p++, c.createArrayOf("text", query.kindsOrAll().stream().map(Enum::name).toArray()));
        if (query.site() != null) {
          st.setString(p++, query.site());
          st.setString(p++, query.site());
        }
        if (query.inode() != null) st.setLong(p++, query.inode());
        if (query.after() != null) {
          st.setLong(p++, query.after().atMillis());
          st.setLong(p++, query.after().id());
        }
        st.setInt(p, query.limit() + 1); // one more tells whether a next page exists
        List<AuditRecord> page = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) page.add(read(rs));
        }
        if (page.size() <= query.limit()) return new AuditPage(page, null);
        List<AuditRecord> first = page.subList(0, query.limit());
        return new AuditPage(first, AuditCursor.of(first.get(first.size() - 1)));
      }
    }));
  }

  private AuditRecord read(ResultSet rs) throws SQLException {
    String[] keys = strings(rs.getArray(9));
    String[] values = strings(rs.getArray(10));
    Map<String, String> attributes = new TreeMap<>();
    for (int i = 0; i < keys.length; i++) attributes.put(keys[i], values[i]);
    return new AuditRecord(rs.getLong(1), rs.getLong(2), AuditKind.valueOf(rs.getString(3)), site,
        rs.getString(4), rs.getObject(5, Long.class), rs.getObject(6, Integer.class), rs.getObject(7, Long.class),
        rs.getString(8), attributes);
  }

  private static String[] strings(Array array) throws SQLException {
    try {
      return (String[]) array.getArray();
    } finally {
      array.free();
    }
  }

  @Override
  public long deleteOlderThan(long cutoffMillis) {
    return deleteBefore(cutoffMillis, 0);
  }

  @Override
  public long trimTo(long maxRecords) {
    if (maxRecords < 0) throw new IllegalArgumentException("maxRecords must be >= 0, was " + maxRecords);
    long[] boundary = lifecycle.guarded(() -> db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(TRIM_BOUNDARY)) {
        st.setString(1, site);
        st.setLong(2, maxRecords);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
        }
      }
    }));
    return boundary == null ? 0 : deleteBefore(boundary[0], boundary[1] + 1);
  }

  /** Deletes every record before (atMillis, id), oldest first, one chunk per statement. */
  private long deleteBefore(long atMillis, long id) {
    long deleted = 0;
    long n;
    do {
      n = lifecycle.guarded(() -> db.withConnection(c -> {
        try (PreparedStatement st = c.prepareStatement(DELETE_BEFORE)) {
          st.setString(1, site);
          st.setString(2, site);
          st.setLong(3, atMillis);
          st.setLong(4, id);
          st.setInt(5, deleteChunk);
          return (long) st.executeUpdate();
        }
      }));
      deleted += n;
    } while (n == deleteChunk);
    return deleted;
  }

  /** Waits for running operations, then refuses new ones; leaves the pool open (the node owns it). Idempotent. */
  @Override
  public void close() {
    if (lifecycle.close()) log.info("Audit log of site {} closed", site);
  }
}
