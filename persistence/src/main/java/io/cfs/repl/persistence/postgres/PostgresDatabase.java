package io.cfs.repl.persistence.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cfs.repl.persistence.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's connection pool to the PostgreSQL database that the nodes of a site share, with the cfs-repl tables
 * created on open ({@code postgres/cfs-repl-schema.sql}). The journal and the store of a node share it.
 */
public final class PostgresDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
  private static final String SCHEMA = "postgres/cfs-repl-schema.sql";
  /** Serialises schema creation: nodes starting together would otherwise race on CREATE TABLE IF NOT EXISTS. */
  private static final long SCHEMA_LOCK = 0x6366735f7265706cL;

  private final PostgresSettings settings;
  private final HikariDataSource pool;

  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private PostgresDatabase(PostgresSettings settings, HikariDataSource pool) {
    this.settings = settings;
    this.pool = pool;
  }

  /** Connects, creates the tables if missing; fails with a message naming the url when the database is not there. */
  public static PostgresDatabase open(PostgresSettings settings, String poolName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(settings.connectTimeout().toMillis());
    config.setInitializationFailTimeout(settings.connectTimeout().toMillis());
    config.setAutoCommit(true);
    // JDBC batches of inserts go as multi-row INSERTs: one statement per batch instead of one per entry
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("options", settings.sessionOptions());
    config.setPoolName(poolName);
    // pg_stat_activity then tells which node each session belongs to
    config.addDataSourceProperty("ApplicationName", poolName + " pid " + ProcessHandle.current().pid());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StorageException("cannot connect to PostgreSQL at " + settings.url() + " as " + settings.user()
          + " (" + PostgresSettings.PATH + "): " + e.getMessage(), e);
    }
    PostgresDatabase db = new PostgresDatabase(settings, pool);
    try {
      db.createSchema();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    log.info("PostgreSQL storage at {} ready (pool {}, {} connections at most)", settings.url(), poolName,
        settings.maxPoolSize());
    return db;
  }

  private void createSchema() {
    migrate(SCHEMA);
  }

  /**
   * Runs an idempotent DDL script from the classpath in one transaction, serialised with every other node's
   * migrations of this database.
   */
  public void migrate(String resource) {
    String ddl = readScript(resource);
    inTransaction(c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        st.execute(ddl);
      }
      return null;
    });
  }

  private static String readScript(String resource) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) loader = PostgresDatabase.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  public PostgresSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Runs {@code work} on a pooled connection in autocommit mode (single statements, reads). */
  public <T> T withConnection(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StorageException("PostgreSQL operation failed: " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} in one transaction (READ COMMITTED): committed if it returns, rolled back if it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
      // the pool restores autocommit when the connection is returned
    } catch (SQLException e) {
      throw new StorageException("PostgreSQL transaction failed: " + e.getMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * A connection outside the pool, for a long-lived LISTEN: a pooled one would be held forever and is reset on
   * return. The caller closes it.
   */
  public Connection dedicatedConnection() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
    return DriverManager.getConnection(settings.url(), props);
  }

  @Override
  public void close() {
    pool.close();
  }
}
