package io.cfs.repl.persistence.lease;

import io.cfs.repl.persistence.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Leases of a site's singletons in the site's PostgreSQL database ({@code cfs_leases}), shared by every node of the
 * site. Expiry is on the database's clock, so the nodes' clocks do not matter. Each call is one statement: a
 * contender's {@code INSERT .. ON CONFLICT DO UPDATE .. WHERE} locks the row, so of two racing for a lease the second
 * sees the first's holding and gets nothing.
 *
 * <p>Writes are fenced in their own transaction: {@link #check(Connection, Fence)} reads the lease row {@code FOR SHARE},
 * so a takeover (which updates the row) waits for a write in progress to commit, and a write that starts after the
 * takeover sees the higher token and is refused. Cursor events, written by Pekko's JDBC journal, carry their fence as
 * a tag ({@link Fence#tag()}); {@link #installJournalFence} puts the same check in a trigger on the journal's tag
 * table, which refuses the event's whole transaction.
 */
public final class PostgresLeaseStore implements LeaseStore {
  private static final String ACQUIRE = """
      INSERT INTO cfs_leases AS l (site, name, owner, token, expires_at)
      VALUES (?, ?, ?, 1, clock_timestamp() + make_interval(secs => ?))
      ON CONFLICT (site, name) DO UPDATE
        SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
        WHERE l.owner IS NULL OR l.owner = EXCLUDED.owner OR l.expires_at <= clock_timestamp()
      RETURNING token""";
  private static final String RENEW = """
      UPDATE cfs_leases SET expires_at = clock_timestamp() + make_interval(secs => ?)
      WHERE site = ? AND name = ? AND owner = ? AND token = ?""";
  private static final String RELEASE = """
      UPDATE cfs_leases SET owner = NULL, expires_at = clock_timestamp()
      WHERE site = ? AND name = ? AND owner = ? AND token = ?""";
  private static final String STATE = """
      SELECT token, owner, expires_at <= clock_timestamp() FROM cfs_leases WHERE site = ? AND name = ?""";
  private static final String CHECK = "SELECT token FROM cfs_leases WHERE site = ? AND name = ? FOR SHARE";
  /** The fence of cursor events: a trigger on Pekko's event_tag table (created after that table exists). */
  private static final String JOURNAL_FENCE = """
      CREATE OR REPLACE FUNCTION cfs_fence_journal_write() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        parts text[];
        current_token bigint;
      BEGIN
        IF NEW.tag LIKE 'cfs-fence|%' THEN
          parts := string_to_array(NEW.tag, '|');
          SELECT token INTO current_token FROM cfs_leases WHERE site = parts[2] AND name = parts[3] FOR SHARE;
          IF current_token IS NULL OR parts[4]::bigint < current_token THEN
            RAISE EXCEPTION 'fenced: event by %/% with token % refused, the lease is at token %',
              parts[2], parts[3], parts[4], coalesce(current_token, 0) USING ERRCODE = 'CFF01';
          END IF;
        END IF;
        RETURN NEW;
      END $$;
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'cfs_fence_journal_write') THEN
          CREATE TRIGGER cfs_fence_journal_write BEFORE INSERT ON event_tag
            FOR EACH ROW EXECUTE FUNCTION cfs_fence_journal_write();
        END IF;
      END $$;""";
  /** Serialises trigger installation across nodes starting together. */
  private static final long INSTALL_LOCK = 0x6366735f6c656173L;

  private final PostgresDatabase db;
  private final String site;
  private final Duration lockTimeout;

  /**
   * @param lockTimeout how long a lease statement waits for the lease row (a write in flight holds it FOR SHARE); it
   *     then fails rather than pin a connection behind a frozen writer. Keep it below the lease's operation timeout.
   */
  public PostgresLeaseStore(PostgresDatabase db, String site, Duration lockTimeout) {
    this.db = db;
    this.site = site;
    this.lockTimeout = lockTimeout;
  }

  /** Runs one lease statement in a transaction that waits at most {@link #lockTimeout} for row locks. */
  private <T> T leaseStatement(PostgresDatabase.SqlWork<T> work) {
    return db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
      }
      return work.run(c);
    });
  }

  @Override
  public String site() {
    return site;
  }

  @Override
  public OptionalLong acquire(String lease, String owner, Duration ttl) {
    return leaseStatement(c -> {
      try (PreparedStatement st = c.prepareStatement(ACQUIRE)) {
        st.setString(1, site);
        st.setString(2, lease);
        st.setString(3, owner);
        st.setDouble(4, seconds(ttl));
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
      }
    });
  }

  @Override
  public boolean renew(String lease, String owner, long token, Duration ttl) {
    return updateHolding(RENEW, lease, owner, token, seconds(ttl));
  }

  @Override
  public boolean release(String lease, String owner, long token) {
    return updateHolding(RELEASE, lease, owner, token, null);
  }

  /** One UPDATE of the holding (owner, token); {@code ttlSeconds}, when given, is its first parameter. */
  private boolean updateHolding(String sql, String lease, String owner, long token, Double ttlSeconds) {
    return leaseStatement(c -> {
      try (PreparedStatement st = c.prepareStatement(sql)) {
        int i = 1;
        if (ttlSeconds != null) st.setDouble(i++, ttlSeconds);
        st.setString(i++, site);
        st.setString(i++, lease);
        st.setString(i++, owner);
        st.setLong(i, token);
        return st.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<LeaseState> state(String lease) {
    return db.withConnection(c -> {
      try (PreparedStatement st = c.prepareStatement(STATE)) {
        st.setString(1, site);
        st.setString(2, lease);
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? Optional.of(new LeaseState(lease, rs.getLong(1), rs.getString(2), rs.getBoolean(3)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public void check(Fence fence) {
    db.inTransaction(c -> {
      check(c, fence);
      return null;
    });
  }

  /**
   * The fence of a write made in {@code c}'s transaction: refuses it unless {@code fence} holds the lease's current
   * token, and keeps the lease row from being taken over until the transaction ends.
   */
  public static void check(Connection c, Fence fence) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(CHECK)) {
      st.setString(1, fence.site());
      st.setString(2, fence.lease());
      try (ResultSet rs = st.executeQuery()) {
        long current = rs.next() ? rs.getLong(1) : 0;
        if (current == 0 || fence.token() < current) throw new FencedException(fence, current);
      }
    }
  }

  /** Installs the trigger that fences cursor events; call once Pekko's journal tables exist. Idempotent. */
  public static void installJournalFence(PostgresDatabase db) {
    db.inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + INSTALL_LOCK + ")");
        st.execute(JOURNAL_FENCE);
      }
      return null;
    });
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
