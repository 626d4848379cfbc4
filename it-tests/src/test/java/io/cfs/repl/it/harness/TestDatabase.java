package io.cfs.repl.it.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for one test (sites of several nodes share their storage in it), dropped when
 * the test's cluster closes. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres ({@code .ci/run}
 * starts it).
 */
public final class TestDatabase implements AutoCloseable {
  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final String ADMIN_DATABASE = "test";
  private static final String USER = "postgres";

  private final String name;

  private TestDatabase(String name) {
    this.name = name;
  }

  public static TestDatabase create(String testName) {
    String name = ("cfs_it_" + testName.replaceAll("[^A-Za-z0-9]", "_") + "_"
        + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    name = name.length() > 63 ? name.substring(name.length() - 63) : name;
    execute("CREATE DATABASE " + name);
    return new TestDatabase(name);
  }

  public String url() {
    return SERVER + name;
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + ADMIN_DATABASE, USER, "");
         Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 (needed by sites of several nodes): " + sql
          + " failed: " + e.getMessage(), e);
    }
  }

  /** Drops the database; the nodes using it must be stopped. */
  @Override
  public void close() {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  @Override
  public String toString() {
    return name;
  }
}
