package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded cursor journal (H2, as the node configures it) keeps every committed transaction when the process dies
 * without closing it: a persisted cursor event must survive kill -9, or the restarted replicator resends what its
 * peer already has. With H2's default write delay the same child process leaves an empty database behind.
 */
class CursorDurabilityTest {
  private static final String SLICK = "pekko-persistence-jdbc.shared-databases.slick.db.";
  @TempDir
  Path dir;

  @Test
  void commitsOfTheEmbeddedCursorDatabaseSurviveAProcessKilledWithoutClosingIt() throws Exception {
    Config config = TestSites.config("site-a", dir, Map.of("site-a", 1));
    String url = config.getString(SLICK + "url");
    String user = config.getString(SLICK + "user");
    String password = config.getString(SLICK + "password");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, CommitThenHalt.class.getName(), url, user, password, "50")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(child.exitValue()).as("child halted (see %s)", dir.resolve("child.log")).isEqualTo(137);

    try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM committed")) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows committed before the halt, in " + url.split(";")[0]
          + File.separator).isEqualTo(50);
    }
  }
}
