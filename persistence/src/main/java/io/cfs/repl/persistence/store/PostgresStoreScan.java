package io.cfs.repl.persistence.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads of a site's whole store on PostgreSQL in RocksDB's key order: a full scan (cost linear in the store size) and
 * the pages of a snapshot. Each runs in a REPEATABLE READ transaction, where every statement sees the snapshot taken
 * by the transaction's first, so applies committing meanwhile are either wholly in the reads or not at all.
 */
final class PostgresStoreScan {
  /** Rows per round trip, so a large store is streamed rather than loaded whole. */
  private static final int FETCH_SIZE = 1000;
  // RocksDB orders its big-endian inode keys as unsigned bytes: ids >= 0 ascending, then negative ids ascending.
  // Two range scans give that order and each still walks the primary key index.
  private static final String SCAN_NON_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode >= 0 ORDER BY inode";
  private static final String SCAN_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode < 0 ORDER BY inode";
  /** A page of one range from an id on (inclusive), as many rows as the page has room for. */
  private static final String PAGE_NON_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode >= 0 AND inode >= ? ORDER BY inode LIMIT ?";
  private static final String PAGE_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode < 0 AND inode >= ? ORDER BY inode LIMIT ?";

  private PostgresStoreScan() {
  }

  /** Runs inside a transaction {@code c} just began (autocommit off, no statement yet). */
  static void scan(Connection c, String site, Consumer<StoredValue> visitor) throws SQLException {
    // before the first statement, which is when the transaction begins; the pool restores the level on return
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    scanInto(c, SCAN_NON_NEGATIVE, site, visitor);
    scanInto(c, SCAN_NEGATIVE, site, visitor);
  }

  /**
   * Fills {@code page} with the values after {@code after} (unsigned order), in a REPEATABLE READ transaction of
   * {@code c}: the rest of the non-negative range when {@code after} is in it, then the negative range.
   */
  static void page(Connection c, String site, OptionalLong after, SnapshotPage page) throws SQLException {
    if (after.isEmpty() || after.getAsLong() >= 0) {
      if (after.isEmpty() || after.getAsLong() != Long.MAX_VALUE) {
        pageInto(c, PAGE_NON_NEGATIVE, site, after.isEmpty() ? 0 : after.getAsLong() + 1, page);
      }
      if (!page.full()) pageInto(c, PAGE_NEGATIVE, site, Long.MIN_VALUE, page);
    } else if (after.getAsLong() != -1) { // -1 is the last id as unsigned
      pageInto(c, PAGE_NEGATIVE, site, after.getAsLong() + 1, page);
    }
  }

  private static void scanInto(Connection c, String scan, String site, Consumer<StoredValue> visitor)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(scan)) {
      st.setString(1, site);
      stream(st, FETCH_SIZE, v -> {
        visitor.accept(v);
        return true;
      });
    }
  }

  private static void pageInto(Connection c, String sql, String site, long from, SnapshotPage page)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, site);
      st.setLong(2, from);
      st.setInt(3, page.room());
      // a page stopped by its byte limit leaves the rest of the round trip unread: fetch no more than it may take
      stream(st, Math.min(page.room(), FETCH_SIZE), page::add);
    }
  }

  /**
   * Streams the rows of {@code st} to {@code visitor} until it answers false; the fetch size takes effect because the
   * transaction turned autocommit off.
   */
  private static void stream(PreparedStatement st, int fetchSize, Predicate<StoredValue> visitor) throws SQLException {
    st.setFetchSize(fetchSize);
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        if (!visitor.test(StoreCodec.decodeValue(rs.getLong(1), rs.getBytes(2)))) return;
      }
    }
  }
}
