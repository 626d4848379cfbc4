package io.cfs.repl.persistence.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * A full scan of a site's store on PostgreSQL (cost linear in the store size) in one point-in-time view. Under REPEATABLE READ every statement of the transaction sees the snapshot taken by its first,
 * so applies committing meanwhile are either wholly in the scan or not at all.
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

  private PostgresStoreScan() {
  }

  /** Runs inside a transaction {@code c} just began (autocommit off, no statement yet). */
  static void scan(Connection c, String site, Consumer<StoredValue> visitor) throws SQLException {
    // before the first statement, which is when the transaction begins; the pool restores the level on return
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    scanInto(c, SCAN_NON_NEGATIVE, site, visitor);
    scanInto(c, SCAN_NEGATIVE, site, visitor);
  }

  /** Streams one scan to the visitor; the fetch size takes effect because the transaction turned autocommit off. */
  private static void scanInto(Connection c, String scan, String site, Consumer<StoredValue> visitor)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(scan)) {
      st.setFetchSize(FETCH_SIZE);
      st.setString(1, site);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          visitor.accept(StoreCodec.decodeValue(rs.getLong(1), rs.getBytes(2)));
        }
      }
    }
  }
}
