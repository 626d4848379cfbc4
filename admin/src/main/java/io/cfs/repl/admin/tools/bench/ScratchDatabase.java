package io.cfs.repl.admin.tools.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL database made for one benchmark run next to the one a url names (same server, same user), so a run
 * starts from empty tables and leaves nothing behind: dropped on close.
 */
final class ScratchDatabase implements AutoCloseable {
  private final String serverUrl;
  private final String adminUrl;
  private final String user;
  private final String password;
  private final String name;

  private ScratchDatabase(String adminUrl, String user, String password, String name) {
    this.adminUrl = adminUrl;
    this.serverUrl = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
    this.user = user;
    this.password = password;
    this.name = name;
  }

  /** @param adminUrl {@code jdbc:postgresql://host:port/db} of a database the user may connect to */
  static ScratchDatabase create(String adminUrl, String user, String password) throws SQLException {
    if (!adminUrl.startsWith("jdbc:postgresql://") || adminUrl.indexOf('/', "jdbc:postgresql://".length()) < 0) {
      throw new IllegalArgumentException("not a jdbc:postgresql://host:port/database url: " + adminUrl);
    }
    ScratchDatabase db = new ScratchDatabase(adminUrl.split("\\?")[0], user, password,
        "cfs_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    db.execute("CREATE DATABASE " + db.name);
    return db;
  }

  String url() {
    return serverUrl + name;
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}
