package io.cfs.repl.persistence.store;

import io.cfs.repl.persistence.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A {@link SnapshotView} on one pooled connection holding a REPEATABLE READ, READ ONLY transaction for the view's
 * life: its first statement (the watermarks) takes the snapshot that the incarnations and every page then read, so
 * marks and values are of one instant. The connection is the pool's for as long as the view is open, and an open
 * transaction holds back vacuum of the rows it may see: callers page through and close.
 */
final class PostgresSnapshotView implements SnapshotView {
  private static final String SELECT_WATERMARKS = "SELECT origin, shard, seq FROM cfs_watermarks WHERE site = ?";
  private static final String SELECT_INCARNATIONS = "SELECT origin, incarnation FROM cfs_incarnations WHERE site = ?";

  private final Connection c;
  private final String site;
  private final Map<String, OriginMarks> marks;

  private PostgresSnapshotView(Connection c, String site, Map<String, OriginMarks> marks) {
    this.c = c;
    this.site = site;
    this.marks = marks;
  }

  /** Begins the transaction on a connection of {@code pool} and reads the marks; the view owns the connection. */
  static PostgresSnapshotView open(DataSource pool, String site) {
    Connection c = null;
    try {
      c = pool.getConnection();
      // before the first statement, which is when the transaction takes its snapshot; the pool restores all three
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      return new PostgresSnapshotView(c, site, OriginMarks.byOrigin(watermarks(c, site), incarnations(c, site)));
    } catch (SQLException | RuntimeException e) {
      if (c != null) end(c, e);
      throw e instanceof SQLException sql ? failure("opening a snapshot", sql) : (RuntimeException) e;
    }
  }

  private static Map<String, Map<Integer, Long>> watermarks(Connection c, String site) throws SQLException {
    Map<String, Map<Integer, Long>> watermarks = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement(SELECT_WATERMARKS)) {
      st.setString(1, site);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          watermarks.computeIfAbsent(rs.getString(1), o -> new HashMap<>()).put(rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return watermarks;
  }

  private static Map<String, UUID> incarnations(Connection c, String site) throws SQLException {
    Map<String, UUID> incarnations = new HashMap<>();
    try (PreparedStatement st = c.prepareStatement(SELECT_INCARNATIONS)) {
      st.setString(1, site);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) incarnations.put(rs.getString(1), rs.getObject(2, UUID.class));
      }
    }
    return incarnations;
  }

  @Override
  public Map<String, OriginMarks> marks() {
    return marks;
  }

  @Override
  public void fill(OptionalLong after, SnapshotPage page) {
    try {
      PostgresStoreScan.page(c, site, after, page);
    } catch (SQLException e) {
      throw failure("reading a snapshot", e);
    }
  }

  /** Ends the read-only transaction (nothing to commit) and returns the connection to the pool. */
  @Override
  public void release() {
    StorageException failure = new StorageException("releasing a snapshot of " + site + " failed");
    end(c, failure);
    if (failure.getSuppressed().length > 0) throw failure;
  }

  /** Rolls back and closes {@code c}, adding what fails to {@code cause}'s suppressed. */
  private static void end(Connection c, Exception cause) {
    try (c) {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static StorageException failure(String what, SQLException e) {
    return new StorageException("PostgreSQL " + what + " failed: " + e.getMessage(), e);
  }
}
