package io.cfs.repl.engine.node;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Run in a child JVM by {@link CursorDurabilityTest}: commits rows one by one, then dies like kill -9. */
public final class CommitThenHalt {
  private CommitThenHalt() {
  }

  public static void main(String[] args) throws Exception {
    Connection c = DriverManager.getConnection(args[0], args[1], args[2]);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS committed (i INT)");
      for (int i = 0; i < Integer.parseInt(args[3]); i++) {
        st.execute("INSERT INTO committed VALUES (" + i + ")");
      }
    }
    Runtime.getRuntime().halt(137); // no close, no shutdown hook: what SIGKILL leaves
  }
}
