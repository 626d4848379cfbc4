package io.cfs.repl.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sites in this JVM over loopback on embedded storage: a real link going down and up, paused and resumed, leaves
 * its LINK_* records in both sites' audit trails, queryable and kept across a restart.
 */
@Tag("integration")
class LinkAuditTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<AuditKind> LINK_KINDS =
      Set.of(AuditKind.LINK_UP, AuditKind.LINK_DOWN, AuditKind.LINK_PAUSED, AuditKind.LINK_RESUMED);

  @TempDir
  Path dir;

  private static List<AuditRecord> linkEvents(ReplicationNode node, String peer) throws Exception {
    return node.audit().query(AuditQuery.newest(100).withKinds(LINK_KINDS).withSite(peer))
        .toCompletableFuture().get(10, TimeUnit.SECONDS).records();
  }

  /** Oldest first, as they happened. */
  private static List<AuditKind> kinds(List<AuditRecord> newestFirst) {
    List<AuditKind> kinds = new ArrayList<>(newestFirst.stream().map(AuditRecord::kind).toList());
    Collections.reverse(kinds);
    return kinds;
  }

  @Test
  void aLinkGoingDownAndUpLeavesLinkDownAndLinkUpRecordsInBothTrails() throws Exception {
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    try (ReplicationNode a = TestSites.start("site-a", dir.resolve("a"), ports, ApplyListener.NONE)) {
      ReplicationNode b = TestSites.start("site-b", dir.resolve("b"), ports, ApplyListener.NONE);
      await().atMost(WAIT).until(() -> kinds(linkEvents(a, "site-b")).equals(List.of(AuditKind.LINK_UP)));
      AuditRecord up = linkEvents(a, "site-b").get(0);
      assertThat(up.site()).isEqualTo("site-a");
      assertThat(up.peer()).isEqualTo("site-b");
      assertThat(up.detail()).startsWith("connected to 127.0.0.1:" + ports.get("site-b"));

      b.close();
      await().atMost(WAIT).until(() -> kinds(linkEvents(a, "site-b"))
          .equals(List.of(AuditKind.LINK_UP, AuditKind.LINK_DOWN)));
      AuditRecord down = linkEvents(a, "site-b").get(0);
      assertThat(down.detail()).startsWith("connection lost: ");
      assertThat(down.attributes()).containsKeys("address", "connectedMillis");
      assertThat(down.atMillis()).isGreaterThanOrEqualTo(up.atMillis());

      try (ReplicationNode b2 = TestSites.start("site-b", dir.resolve("b"), ports, ApplyListener.NONE)) {
        await().atMost(WAIT).until(() -> kinds(linkEvents(a, "site-b"))
            .equals(List.of(AuditKind.LINK_UP, AuditKind.LINK_DOWN, AuditKind.LINK_UP)));
        // b recorded its own link to a going down as it stopped: written on close, read after the restart
        await().atMost(WAIT).until(() -> kinds(linkEvents(b2, "site-a"))
            .equals(List.of(AuditKind.LINK_UP, AuditKind.LINK_DOWN, AuditKind.LINK_UP)));
        assertThat(linkEvents(b2, "site-a").get(1).detail()).startsWith("the replicator stopped");

        a.pause("site-b", Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
        a.resume("site-b", Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> kinds(linkEvents(a, "site-b")).equals(List.of(
            AuditKind.LINK_UP, AuditKind.LINK_DOWN, AuditKind.LINK_UP,
            AuditKind.LINK_PAUSED, AuditKind.LINK_DOWN, AuditKind.LINK_RESUMED, AuditKind.LINK_UP)));
        assertThat(linkEvents(a, "site-b").get(2).detail()).isEqualTo("paused by an operator");
      }
    }
    try (ReplicationNode a = TestSites.start("site-a", dir.resolve("a"), ports, ApplyListener.NONE)) {
      List<AuditRecord> kept = a.audit().query(AuditQuery.newest(100).withKinds(Set.of(AuditKind.LINK_PAUSED)))
          .toCompletableFuture().get(10, TimeUnit.SECONDS).records();
      assertThat(kept).singleElement().satisfies(r -> assertThat(r.peer()).isEqualTo("site-b"));
    }
  }
}
