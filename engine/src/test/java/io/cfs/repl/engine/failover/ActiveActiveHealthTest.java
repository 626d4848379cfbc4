package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two active-active sites in one JVM over loopback TCP: heartbeats tell each peer's health, audited. */
class ActiveActiveHealthTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  @TempDir
  Path dir;
  private final Map<String, ReplicationNode> nodes = new HashMap<>();
  private Map<String, Integer> ports;

  @AfterEach
  void close() {
    nodes.values().forEach(ReplicationNode::close);
  }

  private ReplicationNode start(String site) throws Exception {
    Map<String, Object> keys = LoopbackSites.nodeKeys(site, dir.resolve(site), ports);
    keys.put("cfs-repl.failover.degraded-lag", "1s");
    ReplicationNode node = ReplicationNode.start(NodeConfig.load(ConfigFactory.parseMap(keys)), ApplyListener.NONE);
    nodes.put(site, node);
    return node;
  }

  private static FailoverStatus status(ReplicationNode node) {
    return node.failover().orElseThrow().status(Duration.ofSeconds(2)).toCompletableFuture().join();
  }

  private static List<String> healthChanges(ReplicationNode node, String peer) throws Exception {
    List<String> newestFirst = node.audit()
        .query(AuditQuery.newest(100).withKinds(Set.of(AuditKind.HEALTH_CHANGED)).withSite(peer))
        .toCompletableFuture().get(10, TimeUnit.SECONDS).records().stream()
        .map(r -> r.attributes().get("health")).collect(Collectors.toCollection(ArrayList::new));
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  @Test
  void peersAreHealthyWhileTheyBeatDegradedWhileTheyLagAndDownWhenGone() throws Exception {
    ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    ReplicationNode a = start("site-a");
    ReplicationNode b = start("site-b");

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(a).health()).isEqualTo(
        Map.of("site-b", PeerHealth.HEALTHY)));
    FailoverStatus idle = status(a);
    assertThat(idle.mode()).isEqualTo("active-active");
    assertThat(idle.role()).isEqualTo(Role.ACTIVE);
    assertThat(idle.acceptsWrites()).isTrue();
    // both write: there is no gate in active-active mode
    a.journal().append(List.of(TestEntries.entry("site-a", 0, 1))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    b.journal().append(List.of(TestEntries.entry("site-b", 0, 1))).toCompletableFuture().get(10, TimeUnit.SECONDS);

    // the data link paused: b still beats, but a's entries wait for it longer than degraded-lag
    a.pause("site-b", Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    a.journal().append(List.of(TestEntries.entry("site-a", 0, 2))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(a).health()).containsEntry("site-b",
        PeerHealth.DEGRADED));
    a.resume("site-b", Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(a).health()).containsEntry("site-b",
        PeerHealth.HEALTHY));

    nodes.remove("site-b").close();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(a).health()).containsEntry("site-b",
        PeerHealth.DOWN));
    // every transition is audited; a dead peer usually passes DEGRADED (missed beats) on its way DOWN
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(healthChanges(a, "site-b"))
        .containsSubsequence("HEALTHY", "DEGRADED", "HEALTHY", "DOWN").last().isEqualTo("DOWN"));
  }
}
