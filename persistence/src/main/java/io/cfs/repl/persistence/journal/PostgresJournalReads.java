package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.Lifecycle;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The read side of {@link PostgresJournal}: one query per call, each on a pooled connection of its own. Reads see
 * committed rows only, and a group commits its entries and its heads in one transaction, so a reader never sees an
 * entry its head does not cover.
 */
final class PostgresJournalReads implements ShardScan {
  private final PostgresDatabase db;
  private final String site;
  private final Lifecycle lifecycle;

  PostgresJournalReads(PostgresDatabase db, String site, Lifecycle lifecycle) {
    this.db = db;
    this.site = site;
    this.lifecycle = lifecycle;
  }

  long headSeq(int shard) {
    return query("SELECT head FROM cfs_journal_heads WHERE site = ? AND shard = ?", st -> st.setInt(2, shard),
        rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  Map<Integer, Long> heads() {
    return query("SELECT shard, head FROM cfs_journal_heads WHERE site = ? AND head > 0", st -> { }, rs -> {
      Map<Integer, Long> heads = new TreeMap<>();
      while (rs.next()) heads.put(rs.getInt(1), rs.getLong(2));
      return heads;
    });
  }

  /** Every shard's head and how far it was collected, as of one moment. */
  record Shards(Map<Integer, Long> heads, Map<Integer, Long> collected) {
    long collectedThrough(int shard) {
      return collected.getOrDefault(shard, 0L);
    }
  }

  /** One query: the heads beside the horizons, read together so that a reader checks its positions against both. */
  Shards shards() {
    return query("SELECT h.shard, h.head, COALESCE(c.collected, 0) FROM cfs_journal_heads h "
        + "LEFT JOIN cfs_journal_horizons c ON c.site = h.site AND c.shard = h.shard WHERE h.site = ? AND h.head > 0",
        st -> { }, rs -> {
          Map<Integer, Long> heads = new TreeMap<>();
          Map<Integer, Long> collected = new HashMap<>();
          while (rs.next()) {
            heads.put(rs.getInt(1), rs.getLong(2));
            if (rs.getLong(3) > 0) collected.put(rs.getInt(1), rs.getLong(3));
          }
          return new Shards(heads, collected);
        });
  }

  long collectedThrough(int shard) {
    return query("SELECT collected FROM cfs_journal_horizons WHERE site = ? AND shard = ?", st -> st.setInt(2, shard),
        rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  /**
   * Reads from {@code fromSeq} on, whatever the head; the rows must start at {@code fromSeq} and follow each other
   * (the head row is never collected, so rows past a seq at or below the head always exist: none means the seq is
   * past the head).
   */
  List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
    AppendChecks.requireArgument(fromSeq >= 1, "fromSeq must be >= 1, was " + fromSeq);
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    return query("SELECT entry FROM cfs_journal WHERE site = ? AND shard = ? AND seq >= ? ORDER BY seq LIMIT ?",
        st -> {
          st.setInt(2, shard);
          st.setLong(3, fromSeq);
          st.setInt(4, maxEntries);
        }, rs -> {
          List<JournalEntry> out = new ArrayList<>();
          while (rs.next()) {
            JournalEntry e = EntryCodec.decode(rs.getBytes(1));
            JournalHorizon.checkOffered(site, shard, fromSeq + out.size(), e, out.isEmpty());
            out.add(e);
          }
          return out;
        });
  }

  /**
   * One query: per shard its head, its horizon and the hlc of its lowest entry held (an index seek), beside the size
   * of the whole journal table and its live rows as the statistics system counts them (kept on every commit, without
   * a scan or an ANALYZE; the planner's estimate when that count is not there). The table holds every site of the
   * database, so the bytes are this site's share by rows; with neither count the table counts whole.
   */
  JournalFootprint footprint() {
    return query("SELECT h.shard, h.head, COALESCE(c.collected, 0), (SELECT j.hlc FROM cfs_journal j "
            + "WHERE j.site = h.site AND j.shard = h.shard AND j.seq > COALESCE(c.collected, 0) ORDER BY j.seq LIMIT 1), "
            + "pg_total_relation_size('cfs_journal'), GREATEST(pg_stat_get_live_tuples('cfs_journal'::regclass), "
            + "(SELECT reltuples FROM pg_class WHERE oid = 'cfs_journal'::regclass)) "
            + "FROM cfs_journal_heads h LEFT JOIN cfs_journal_horizons c ON c.site = h.site AND c.shard = h.shard "
            + "WHERE h.site = ? AND h.head > 0",
        st -> { }, rs -> {
          long entries = 0;
          long oldest = 0;
          long tableBytes = 0;
          double tableRows = -1;
          while (rs.next()) {
            entries += Math.max(0, rs.getLong(2) - rs.getLong(3));
            long hlc = rs.getLong(4);
            if (!rs.wasNull() && (oldest == 0 || hlc < oldest)) oldest = hlc;
            tableBytes = rs.getLong(5);
            tableRows = rs.getDouble(6);
          }
          long bytes = tableRows > 0 ? (long) (tableBytes * Math.min(1.0, entries / tableRows)) : tableBytes;
          return new JournalFootprint(entries, bytes, oldest);
        });
  }

  /** The whole pass in one query; rows are decoded only as the reader takes them. */
  @Override
  public Pass open(List<Range> ranges, int limit) {
    Map<Integer, List<byte[]>> rows = rawQuery("SELECT p.shard, j.entry "
            + "FROM unnest(?::int4[], ?::int8[], ?::int8[]) AS p(shard, first_seq, head) "
            + "CROSS JOIN LATERAL (SELECT entry, seq FROM cfs_journal WHERE site = ? AND shard = p.shard "
            + "AND seq BETWEEN p.first_seq AND p.head ORDER BY seq LIMIT ?) j ORDER BY p.shard, j.seq",
        st -> {
          Connection c = st.getConnection();
          st.setArray(1, c.createArrayOf("int4", ranges.stream().map(Range::shard).toArray()));
          st.setArray(2, c.createArrayOf("int8", ranges.stream().map(Range::from).toArray()));
          st.setArray(3, c.createArrayOf("int8", ranges.stream().map(Range::head).toArray()));
          st.setString(4, site);
          st.setInt(5, limit);
        }, rs -> {
          Map<Integer, List<byte[]>> byShard = new HashMap<>();
          while (rs.next()) byShard.computeIfAbsent(rs.getInt(1), s -> new ArrayList<>()).add(rs.getBytes(2));
          return byShard;
        });
    return (range, max, taker) -> {
      List<byte[]> shardRows = rows.getOrDefault(range.shard(), List.of());
      for (int i = 0; i < Math.min(max, shardRows.size()); i++) {
        if (!taker.test(EntryCodec.decode(shardRows.get(i)))) return;
      }
    };
  }

  OptionalLong hlcAt(int shard, long seq) {
    if (seq < 1) return OptionalLong.empty();
    return query("SELECT hlc FROM cfs_journal WHERE site = ? AND shard = ? AND seq = ?", st -> {
      st.setInt(2, shard);
      st.setLong(3, seq);
    }, rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
  }

  /** One round trip: every shard's head beside its position, and the hlc of the first entry past it. */
  JournalLag lagBehind(Map<Integer, Long> positions) {
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
          st.setString(3, site);
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

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement st) throws SQLException;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** A read whose first parameter is the site. */
  private <T> T query(String sql, Binder binder, Reader<T> reader) {
    return rawQuery(sql, st -> {
      st.setString(1, site);
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
}
