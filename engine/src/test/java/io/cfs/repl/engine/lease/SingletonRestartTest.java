package io.cfs.repl.engine.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.engine.link.LinkState;
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
import io.cfs.repl.persistence.lease.Fence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that loses the leases of its singletons while it runs (a long pause, a renewal that failed for longer than
 * the holding) takes them again and runs new instances under new tokens: the link reconnects, status answers from the
 * new replicator, and what was appended meanwhile is shipped and applied.
 */
class SingletonRestartTest {
  @TempDir
  Path dir;

  @Test
  void singletonsWhoseLeaseWasLostRunAgainUnderANewToken() throws Exception {
    Map<String, Integer> ports = Map.of("a", LoopbackSites.freePort(), "b", LoopbackSites.freePort());
    try (ReplicationNode b = ReplicationNode.start(TestSites.config("b", dir.resolve("b"), ports), NodeHooks.NONE);
         ReplicationNode a = ReplicationNode.start(TestSites.config("a", dir.resolve("a"), ports), NodeHooks.NONE)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(a).state() == LinkState.CONNECTED);
      SiteLeases leases = SiteLeases.get(a.system());
      Fence replicator = leases.fence(SiteReplicator.singletonName("b")).orElseThrow();
      Fence applier = leases.fence(LocalApplier.singletonName("a")).orElseThrow();

      leases.refused(replicator.lease(), replicator, new IllegalStateException("test: holding lost"));
      leases.refused(applier.lease(), applier, new IllegalStateException("test: holding lost"));

      await().atMost(Duration.ofSeconds(30)).until(() -> leases.fence(replicator.lease())
          .filter(f -> f.token() > replicator.token()).isPresent()
          && leases.fence(applier.lease()).filter(f -> f.token() > applier.token()).isPresent());
      TestSites.append(a.journal(), 4, 400, 100, 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        ReplicatorStatus s = status(a);
        return s.state() == LinkState.CONNECTED && s.lagEntries() == 0;
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> TestSites.sum(b.store().watermarks("a")) == 400
          && TestSites.sum(a.store().watermarks("a")) == 400);
      assertThat(a.singletonsHere()).filteredOn(r -> !r.singleton().equals(SplitBrainResolver.singletonName())
              && !r.singleton().equals(ConflictAudit.singletonName("a"))
              && !r.singleton().equals(JournalCollector.singletonName("a")))
          .extracting(SiteLeases.Running::token).hasSize(2).allMatch(t -> t >= 2);
    }
  }

  private static ReplicatorStatus status(ReplicationNode node) throws Exception {
    return node.status(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
  }
}
