package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicator cursors on PostgreSQL (the production cursor store). NEEDS PostgreSQL on 127.0.0.1:5432 with trust
 * auth and a database "test" ({@code .ci/run} starts it). Site ids are unique per run because the tables are
 * shared with earlier runs.
 */
@Tag("postgres")
class PostgresCursorStoreTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  @TempDir
  Path dir;

  private Config postgres(Config base) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.node.storage", "postgres",
        "cfs-repl.persistence.postgres.url", URL, "cfs-repl.persistence.postgres.user", "postgres")).withFallback(base);
  }

  @Test
  void cursorsArePersistedInPostgresAndSurviveARestart() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String siteA = "pg-a-" + run;
    String siteB = "pg-b-" + run;
    Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());
    try (ReplicationNode b = ReplicationNode.start(
        postgres(TestSites.config(siteB, dir.resolve("b"), ports)), ApplyListener.NONE)) {
      try (ReplicationNode a = ReplicationNode.start(
          postgres(TestSites.config(siteA, dir.resolve("a"), ports)), ApplyListener.NONE)) {
        TestSites.append(a.journal(), 8, 5_000, 500, 11);
        await().atMost(Duration.ofSeconds(60)).until(() -> lag(a, siteB) == 0);
        // lag follows the acks; the cursors are persisted once per interval
        await().atMost(Duration.ofSeconds(30)).until(() -> TwoSiteReplicationTest.cursorsOf(a, siteB),
            c -> TestSites.sum(c) == 5_000);
      }
      assertThat(TestSites.cursorEvents(URL, siteA + "->" + siteB)).isPositive();
      try (ReplicationNode a2 = ReplicationNode.start(
          postgres(TestSites.config(siteA, dir.resolve("a"), ports)), ApplyListener.NONE)) {
        // recovered from PostgreSQL: nothing left to ship, from the replicator's first answer on (-1: not running yet)
        assertThat(await().atMost(Duration.ofSeconds(30)).until(() -> lag(a2, siteB), lag -> lag >= 0)).isZero();
        assertThat(TestSites.sum(b.store().watermarks(siteA))).isEqualTo(5_000);
      }
    }
  }

  private static long lag(ReplicationNode node, String peer) throws Exception {
    return node.status(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
        .filter(s -> s.peer().equals(peer)).mapToLong(ReplicatorStatus::lagEntries).sum();
  }

}
