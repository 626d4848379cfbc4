package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.model.entry.TestEntries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three sites in one JVM over loopback TCP, active-passive: the primary writes, the others refuse, and a failover. */
class SiteFailoverTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  @TempDir
  Path dir;
  private final Map<String, ReplicationNode> nodes = new HashMap<>();
  private Map<String, Integer> ports;

  private WitnessNode witness;

  @AfterEach
  void close() {
    nodes.values().forEach(ReplicationNode::close);
    if (witness != null) witness.close();
  }

  private final Map<String, Object> failover = new HashMap<>(Map.of(
      "cfs-repl.failover.mode", "active-passive", "cfs-repl.failover.initial-primary", "site-a"));

  private ReplicationNode start(String site) throws Exception {
    Map<String, Object> keys = LoopbackSites.nodeKeys(site, dir.resolve(site), ports);
    keys.putAll(failover);
    ReplicationNode node = ReplicationNode.start(NodeConfig.load(ConfigFactory.parseMap(keys)), ApplyListener.NONE);
    nodes.put(site, node);
    return node;
  }

  private static FailoverStatus status(ReplicationNode node) {
    return node.failover().orElseThrow().status(Duration.ofSeconds(2)).toCompletableFuture().join();
  }

  /**
   * The site taking writes once the mesh settles: the initial primary, unless the others took longer than down-after to
   * start (a loaded machine), in which case it stepped down and the voters elected one.
   */
  private ReplicationNode awaitPrimary() {
    return await().atMost(TIMEOUT).until(() -> nodes.values().stream()
        .filter(SiteFailoverTest::takesWrites).findFirst().orElse(null), n -> n != null);
  }

  /** The node's own gate, not only its resolver, admits appends: the permit has reached the node. */
  private static boolean takesWrites(ReplicationNode node) {
    return node.failover().orElseThrow().gate().admits();
  }

  private ReplicationNode other(ReplicationNode node) {
    return nodes.values().stream().filter(n -> n != node).findFirst().orElseThrow();
  }

  private static void append(ReplicationNode node, long seq) throws Exception {
    node.journal().append(List.of(TestEntries.entry(node.siteId(), 0, seq))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void onlyThePrimaryWritesAndWhenItDiesAnotherSiteIsPromotedInAHigherEpoch() throws Exception {
    ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort(),
        "site-c", LoopbackSites.freePort());
    start("site-a");
    start("site-b");
    start("site-c");

    ReplicationNode a = awaitPrimary();
    ReplicationNode b = other(a);
    append(a, 1);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(b.store().watermark(a.siteId(), 0)).isEqualTo(1));
    // b's node refuses naming the primary once its gate holds a permit saying so, which may come after its resolver
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(b.failover().orElseThrow().gate().permit())
        .extracting(WritePermit::primary).isEqualTo(a.siteId()));
    assertThatThrownBy(() -> append(b, 1)).hasCauseInstanceOf(NotPrimaryException.class)
        .satisfies(e -> assertThat(((NotPrimaryException) e.getCause()).primary()).isEqualTo(a.siteId()));
    assertThat(b.journal().heads()).isEmpty();

    long killedAt = System.currentTimeMillis();
    nodes.remove(a.siteId()).close();
    ReplicationNode promoted = awaitPrimary();
    long failoverMillis = System.currentTimeMillis() - killedAt;
    System.out.println("[failover] " + promoted.siteId() + " promoted " + failoverMillis + " ms after " + a.siteId()
        + " stopped");

    FailoverStatus now = status(promoted);
    assertThat(now.role()).isEqualTo(Role.PRIMARY);
    assertThat(now.epoch()).isGreaterThan(0);
    append(promoted, 1);
    ReplicationNode other = nodes.values().stream().filter(n -> n != promoted).findFirst().orElseThrow();
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(other).primary()).isEqualTo(promoted.siteId()));
    assertThatThrownBy(() -> append(other, 1)).isInstanceOf(java.util.concurrent.ExecutionException.class)
        .hasCauseInstanceOf(NotPrimaryException.class);
    assertThat(nodes.values()).allSatisfy(n -> assertThat(status(n).epoch()).isEqualTo(now.epoch()));
  }

  @Test
  void withoutAWitnessTheSurvivorOfTwoSitesIsPromotedOnlyWhenForcedAndSaysWhatMayBeMissing() throws Exception {
    ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    start("site-a");
    start("site-b");
    ReplicationNode a = awaitPrimary();
    ReplicationNode b = other(a);
    for (long seq = 1; seq <= 50; seq++) append(a, seq);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(b.store().watermark(a.siteId(), 0)).isEqualTo(50));
    await().atMost(TIMEOUT).until(() -> status(b).epoch() == status(a).epoch());

    nodes.remove(a.siteId()).close();
    // two voters: no automatic promotion, however long the primary stays away
    await().atMost(TIMEOUT).until(() -> status(b).health().get(a.siteId()) == PeerHealth.DOWN);
    assertThat(takesWrites(b)).isFalse();
    assertThat(status(b).role()).isEqualTo(Role.SECONDARY);

    SplitBrainResolver.FailoverOutcome forced = b.failover().orElseThrow()
        .failover(b.siteId(), true, Duration.ofSeconds(5)).toCompletableFuture().join();
    assertThat(forced.started()).isTrue();
    assertThat(forced.message()).contains("promoted alone").contains("holds 50 entries of " + a.siteId());
    await().atMost(TIMEOUT).until(() -> takesWrites(b));
    append(b, 1);
    assertThat(status(b).role()).isEqualTo(Role.PRIMARY);
  }

  @Test
  void withAWitnessTheSurvivorOfTwoSitesIsPromotedAlone() throws Exception {
    ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    int witnessPort = LoopbackSites.freePort();
    failover.putAll(Map.of("cfs-repl.failover.witness.id", "witness", "cfs-repl.failover.witness.host", "127.0.0.1",
        "cfs-repl.failover.witness.port", witnessPort));
    Map<String, Object> w = new HashMap<>(failover);
    w.put("cfs-repl.witness.data-dir", dir.resolve("witness").toString());
    w.put("cfs-repl.witness.link.port", witnessPort);
    ports.forEach((site, port) -> {
      w.put("cfs-repl.witness.sites." + site + ".host", "127.0.0.1");
      w.put("cfs-repl.witness.sites." + site + ".port", port);
    });
    witness = WitnessNode.start(ConfigFactory.parseMap(w));
    start("site-a");
    start("site-b");
    ReplicationNode a = awaitPrimary();
    ReplicationNode b = other(a);
    append(a, 1);

    long stoppedAt = System.currentTimeMillis();
    nodes.remove(a.siteId()).close();
    await().atMost(TIMEOUT).until(() -> takesWrites(b));
    System.out.println("[failover] " + b.siteId() + " promoted with the witness's vote " + (System.currentTimeMillis()
        - stoppedAt) + " ms after " + a.siteId() + " stopped");
    append(b, 1);
    // the witness voted for b, and learns that b won from b's next heartbeat
    await().atMost(TIMEOUT).untilAsserted(() -> {
      FailoverStatus votes = witness.status(Duration.ofSeconds(2)).toCompletableFuture().join();
      assertThat(votes.role()).isEqualTo(Role.WITNESS);
      assertThat(votes.primary()).isEqualTo(b.siteId());
      assertThat(votes.epoch()).isEqualTo(status(b).epoch()).isGreaterThan(0);
    });
  }

  @Test
  void aPlannedSwitchoverDrainsThenHandsOverAndLosesNothing() throws Exception {
    ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort(),
        "site-c", LoopbackSites.freePort());
    start("site-a");
    start("site-b");
    start("site-c");
    ReplicationNode a = awaitPrimary();
    ReplicationNode b = other(a);
    for (long seq = 1; seq <= 200; seq++) append(a, seq);
    long epochBefore = status(a).epoch();

    SplitBrainResolver.FailoverOutcome refused = b.failover().orElseThrow()
        .failover(b.siteId(), false, Duration.ofSeconds(2)).toCompletableFuture().join();
    assertThat(refused.started()).as("a planned switchover runs on the primary").isFalse();
    SplitBrainResolver.FailoverOutcome started = a.failover().orElseThrow()
        .failover(b.siteId(), false, Duration.ofSeconds(2)).toCompletableFuture().join();
    assertThat(started.started()).as(started.message()).isTrue();
    // the resolver stopped writes; its permit reaches the node's gate a moment later
    await().atMost(TIMEOUT).until(() -> !takesWrites(a));
    assertThatThrownBy(() -> append(a, 201)).hasCauseInstanceOf(NotPrimaryException.class);

    await().atMost(TIMEOUT).until(() -> takesWrites(b));
    assertThat(status(b).epoch()).isGreaterThan(epochBefore);
    assertThat(b.store().watermark(a.siteId(), 0)).as("everything the old primary acknowledged, on the new one")
        .isEqualTo(200);
    append(b, 1);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(status(a).primary()).isEqualTo(b.siteId()));
    assertThatThrownBy(() -> append(a, 201)).hasCauseInstanceOf(NotPrimaryException.class);
  }
}
