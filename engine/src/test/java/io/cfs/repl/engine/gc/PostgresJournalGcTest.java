package io.cfs.repl.engine.gc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Tag;

/**
 * {@link JournalGcTest} on PostgreSQL: each site's journal, store and cursors in the shared database, collected in
 * transactions that delete rows and raise the horizons together. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth
 * and a database "test" ({@code .ci/run} starts it).
 */
@Tag("postgres")
class PostgresJournalGcTest extends JournalGcTest {
  @Override
  Config storage(Config node) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.node.storage", "postgres",
        "cfs-repl.persistence.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test",
        "cfs-repl.persistence.postgres.user", "postgres")).withFallback(node);
  }
}
