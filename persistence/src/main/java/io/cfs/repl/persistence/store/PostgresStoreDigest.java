package io.cfs.repl.persistence.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The digest of a site's store on PostgreSQL: a full scan of its inodes (cost linear in the store size) in one
 * point-in-time view. Under REPEATABLE READ every statement of the transaction sees the snapshot taken by its first,
 * so applies committing meanwhile are either wholly in the digest or not at all.
 */
final class PostgresStoreDigest {
  /** Rows per round trip, so a large store is streamed rather than loaded whole. */
  private static final int FETCH_SIZE = 1000;
  // RocksDB orders its big-endian inode keys as unsigned bytes: ids >= 0 ascending, then negative ids ascending.
  // Two range scans give that order and each still walks the primary key index.
  private static final String SCAN_NON_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode >= 0 ORDER BY inode";
  private static final String SCAN_NEGATIVE =
      "SELECT inode, value FROM cfs_inodes WHERE site = ? AND inode < 0 ORDER BY inode";

  private PostgresStoreDigest() {
  }

  /** Runs inside a transaction {@code c} just began (autocommit off, no statement yet). */
  static StoreDigest scan(Connection c, String site) throws SQLException {
    // before the first statement, which is when the transaction begins; the pool restores the level on return
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    DigestBuilder digest = new DigestBuilder();
    scanInto(c, SCAN_NON_NEGATIVE, site, digest);
    scanInto(c, SCAN_NEGATIVE, site, digest);
    return digest.build();
  }

  /** Streams one scan into the digest; the fetch size takes effect because the transaction turned autocommit off. */
  private static void scanInto(Connection c, String scan, String site, DigestBuilder digest) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(scan)) {
      st.setFetchSize(FETCH_SIZE);
      st.setString(1, site);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          digest.add(StoreCodec.decodeValue(rs.getLong(1), rs.getBytes(2)));
        }
      }
    }
  }
}
