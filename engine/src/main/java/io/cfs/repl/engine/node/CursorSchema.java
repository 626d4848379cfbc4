package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import io.cfs.repl.persistence.StorageException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the cursor journal's tables if they are missing, from the migration SQL this module ships
 * ({@code cursors/postgres.sql}, {@code cursors/h2.sql}), before the persistence plugin first uses them. The node
 * runs the same script at every start, so a deployment never depends on a testkit or on a manual step.
 */
public final class CursorSchema {
  private static final String SLICK = "pekko-persistence-jdbc.shared-databases.slick.db.";

  private CursorSchema() {
  }

  static void create(Config config, NodeStorage storage) {
    if (storage.shared() != null) {
      storage.shared().migrate("cursors/postgres.sql");
      return;
    }
    createH2(config);
  }

  /** The tables in the embedded H2 database the config's persistence plugin uses (a node's, or the witness's). */
  public static void createH2(Config config) {
    // H2 runs the script itself, from the classpath; the credentials are the plugin's, or H2 would refuse the
    // plugin's own connections to a database created under another user
    String url = config.getString(SLICK + "url");
    String user = config.hasPath(SLICK + "user") ? config.getString(SLICK + "user") : "";
    String password = config.hasPath(SLICK + "password") ? config.getString(SLICK + "password") : "";
    try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
      st.execute("RUNSCRIPT FROM 'classpath:/cursors/h2.sql'");
    } catch (SQLException e) {
      throw new StorageException("cannot create the cursor tables in " + url + ": " + e.getMessage(), e);
    }
  }
}
