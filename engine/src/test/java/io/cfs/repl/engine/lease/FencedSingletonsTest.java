package io.cfs.repl.engine.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.apply.LocalApplier;
import io.cfs.repl.engine.conflict.ConflictAudit;
import io.cfs.repl.engine.gc.JournalCollector;
import io.cfs.repl.engine.failover.SplitBrainResolver;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.SiteReplicator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose leases were taken over behind its back (its renewals are minutes apart here, so only storage can tell
 * it) writes nothing more: the database refuses its next cursor event (trigger on the event's tag) and its next store
 * apply (checked in the apply's transaction), each singleton logs and counts the refusal and stops, and status shows
 * the link as not running; and a node that stops cleanly releases its leases. NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth and a database "test" ({@code .ci/run}
 * starts it); site ids are unique per run because the tables are shared with earlier runs.
 */
@Tag("postgres")
class FencedSingletonsTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  @TempDir
  Path dir;

  private final Set<String> fenced = ConcurrentHashMap.newKeySet();
  private final ReplicationMetrics metrics = new ReplicationMetrics() {
    @Override
    public void onFenced(String singleton) {
      fenced.add(singleton);
    }
  };

  private static Config postgres(Config base) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.node.storage", "postgres",
            "cfs-repl.persistence.postgres.url", URL, "cfs-repl.persistence.postgres.user", "postgres",
            // no renewal during the test: a takeover can only be noticed through a refused write
            "cfs-repl.lease.heartbeat-timeout", "10m", "cfs-repl.lease.heartbeat-interval", "4m"))
        .withFallback(base);
  }

  @Test
  void singletonsWhoseLeasesWereTakenOverAreRefusedTheirNextWritesAndStop() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String siteA = "fence-a-" + run;
    String siteB = "fence-b-" + run;
    String replicator = SiteReplicator.singletonName(siteB);
    String applier = LocalApplier.singletonName(siteA);
    Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());
    try (ReplicationNode b = ReplicationNode.start(postgres(TestSites.config(siteB, dir.resolve("b"), ports)),
        NodeHooks.NONE);
         ReplicationNode a = ReplicationNode.start(postgres(TestSites.config(siteA, dir.resolve("a"), ports)),
             NodeHooks.NONE.withMetrics(metrics))) {
      TestSites.append(a.journal(), 4, 2_000, 200, 1);
      await().atMost(Duration.ofSeconds(60)).until(() -> status(a, siteB).lagEntries() == 0
          && TestSites.sum(a.store().watermarks(siteA)) == 2_000);
      assertThat(a.singletonsHere()).extracting(SiteLeases.Running::singleton)
          .containsExactlyInAnyOrder(replicator, applier, SplitBrainResolver.singletonName(),
              ConflictAudit.singletonName(siteA), JournalCollector.singletonName(siteA));

      takeOver(siteA, replicator, applier);
      long eventsAtTakeover = TestSites.cursorEvents(URL, siteA + "->" + siteB);
      Map<Integer, Long> appliedAtTakeover = a.store().watermarks(siteA);
      TestSites.append(a.journal(), 4, 2_000, 200, 2);

      await().atMost(Duration.ofSeconds(30)).until(() -> fenced.containsAll(List.of(replicator, applier)));
      // the leases of the peer-health resolver, the conflict auditor and the journal collector were not taken: they
      // run on
      await().atMost(Duration.ofSeconds(30)).until(() -> a.singletonsHere().stream()
          .map(SiteLeases.Running::singleton).sorted().toList().equals(List.of(ConflictAudit.singletonName(siteA),
              SplitBrainResolver.singletonName(), JournalCollector.singletonName(siteA)).stream().sorted().toList()));
      assertThat(TestSites.cursorEvents(URL, siteA + "->" + siteB)).as("cursor events written after the takeover")
          .isEqualTo(eventsAtTakeover);
      assertThat(a.store().watermarks(siteA)).as("local applies after the takeover").isEqualTo(appliedAtTakeover);
      assertThat(a.journal().headSeq(0)).as("appends go on: they are not a singleton's").isEqualTo(1_000);
      ReplicatorStatus link = status(a, siteB);
      assertThat(link.state()).isEqualTo(LinkState.NOT_RUNNING);
      assertThat(link.lastError()).contains("did not answer");
    }
  }

  @Test
  void aNodeThatStopsReleasesItsLeasesForTheNextHolder() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String siteA = "release-a-" + run;
    String siteB = "release-b-" + run;
    Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());
    try (ReplicationNode b = ReplicationNode.start(postgres(TestSites.config(siteB, dir.resolve("b"), ports)),
        NodeHooks.NONE)) {
      ReplicationNode a = ReplicationNode.start(postgres(TestSites.config(siteA, dir.resolve("a"), ports)),
          NodeHooks.NONE);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> a.singletonsHere().size() == 5);
        assertThat(holders(siteA)).containsOnlyKeys(SiteReplicator.singletonName(siteB),
            LocalApplier.singletonName(siteA), SplitBrainResolver.singletonName(), ConflictAudit.singletonName(siteA),
            JournalCollector.singletonName(siteA))
            .doesNotContainValue(null);
      } finally {
        a.close();
      }
      Map<String, String> after = holders(siteA);
      assertThat(after).containsOnlyKeys(SiteReplicator.singletonName(siteB), LocalApplier.singletonName(siteA),
          SplitBrainResolver.singletonName(), ConflictAudit.singletonName(siteA),
          JournalCollector.singletonName(siteA));
      assertThat(after.values()).as("owners after a clean stop").containsOnlyNulls();
    }
  }

  private static Map<String, String> holders(String site) throws Exception {
    try (Connection c = DriverManager.getConnection(URL, "postgres", "");
         PreparedStatement st = c.prepareStatement("SELECT name, owner FROM cfs_leases WHERE site = ?")) {
      st.setString(1, site);
      Map<String, String> owners = new java.util.HashMap<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) owners.put(rs.getString(1), rs.getString(2));
      }
      return owners;
    }
  }

  /** What another node's takeover leaves in the lease rows: a higher token, another owner, a long holding. */
  private static void takeOver(String site, String... leases) throws Exception {
    try (Connection c = DriverManager.getConnection(URL, "postgres", "");
         PreparedStatement st = c.prepareStatement("UPDATE cfs_leases SET token = token + 1, owner = 'intruder',"
             + " expires_at = clock_timestamp() + interval '1 hour' WHERE site = ? AND name = ?")) {
      for (String lease : leases) {
        st.setString(1, site);
        st.setString(2, lease);
        assertThat(st.executeUpdate()).as("lease row of %s", lease).isEqualTo(1);
      }
    }
  }

  private static ReplicatorStatus status(ReplicationNode node, String peer) throws Exception {
    return node.status(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
        .filter(s -> s.peer().equals(peer)).findFirst().orElseThrow();
  }
}
