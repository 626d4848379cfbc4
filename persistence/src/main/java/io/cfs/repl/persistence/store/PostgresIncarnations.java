package io.cfs.repl.persistence.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The statements on {@code cfs_incarnations} and an origin's watermarks that {@link PostgresMetadataStore} runs for
 * incarnations. The callers hold the site's apply lock (adopt, forget), so the read of what is held and the write
 * commit with no apply of any node between them.
 */
final class PostgresIncarnations {
  private static final String SELECT = "SELECT incarnation FROM cfs_incarnations WHERE site = ? AND origin = ?";
  private static final String UPSERT = "INSERT INTO cfs_incarnations (site, origin, incarnation) VALUES (?, ?, ?)"
      + " ON CONFLICT (site, origin) DO UPDATE SET incarnation = EXCLUDED.incarnation";
  private static final String DELETE = "DELETE FROM cfs_incarnations WHERE site = ? AND origin = ?";
  private static final String DELETE_WATERMARKS = "DELETE FROM cfs_watermarks WHERE site = ? AND origin = ?";

  private PostgresIncarnations() {
  }

  static Optional<UUID> held(Connection c, String site, String origin) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(SELECT)) {
      st.setString(1, site);
      st.setString(2, origin);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  static IncarnationCheck adopt(Connection c, String site, String origin, UUID offered,
                                Map<Integer, Long> watermarks) throws SQLException {
    Optional<UUID> held = held(c, site, origin);
    IncarnationCheck check = IncarnationCheck.decide(held, offered, watermarks);
    if (check instanceof IncarnationCheck.Adopted && !held.equals(Optional.of(offered))) {
      write(c, site, Map.of(origin, offered));
    }
    return check;
  }

  /** Makes each of {@code adopted} the incarnation held for its origin, in one batch. */
  static void write(Connection c, String site, Map<String, UUID> adopted) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(UPSERT)) {
      for (Map.Entry<String, UUID> a : adopted.entrySet()) {
        st.setString(1, site);
        st.setString(2, a.getKey());
        st.setObject(3, a.getValue());
        st.addBatch();
      }
      st.executeBatch();
    }
  }

  /** A read of the origin's watermarks in the caller's transaction. */
  @FunctionalInterface
  interface WatermarkRead {
    Map<Integer, Long> read() throws SQLException;
  }

  static Optional<ForgottenOrigin> forget(Connection c, String site, String origin, UUID expected,
                                          WatermarkRead watermarks) throws SQLException {
    Optional<UUID> held = held(c, site, origin);
    if (!held.equals(Optional.of(expected))) return Optional.empty();
    ForgottenOrigin forgotten = new ForgottenOrigin(origin, expected, watermarks.read());
    for (String sql : new String[] {DELETE, DELETE_WATERMARKS}) {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        st.setString(1, site);
        st.setString(2, origin);
        st.executeUpdate();
      }
    }
    return Optional.of(forgotten);
  }
}
