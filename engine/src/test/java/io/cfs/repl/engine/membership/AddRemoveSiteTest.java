package io.cfs.repl.engine.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.PeerReload;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ResyncView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a fourth site to a writing three-site mesh, in one JVM over loopback TCP: the new site starts with the three
 * as its peers, the three reload their peers with it added, and it bootstraps (their journals were collected, so each
 * link resyncs it by snapshot) and converges while the three keep writing, their links to each other never leaving
 * CONNECTED. Then removing it: its cursors are dropped, the journal is no longer held back for it, and its links are
 * refused.
 */
class AddRemoveSiteTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String a = "mb-a-" + run;
  private final String b = "mb-b-" + run;
  private final String c = "mb-c-" + run;
  private final String d = "mb-d-" + run;
  private final Map<String, Integer> ports = Map.of(a, LoopbackSites.freePort(), b, LoopbackSites.freePort(),
      c, LoopbackSites.freePort(), d, LoopbackSites.freePort());

  /** The mesh of {@code sites}: each site's config lists the others as peers; journals collected every 200 ms. */
  private Config config(String site, Set<String> sites) {
    Map<String, Integer> mesh = new HashMap<>(ports);
    mesh.keySet().retainAll(sites);
    return ConfigFactory.parseMap(Map.of("cfs-repl.journal-gc.interval", "200ms",
            "cfs-repl.journal-gc.keep-entries", 0))
        .withFallback(TestSites.config(site, dir.resolve(site), mesh));
  }

  private static Map<String, ReplicatorStatus> links(ReplicationNode node) throws Exception {
    Map<String, ReplicatorStatus> links = new HashMap<>();
    node.status(ASK).toCompletableFuture().get(10, TimeUnit.SECONDS).forEach(s -> links.put(s.peer(), s));
    return links;
  }

  private static PeerReload reload(ReplicationNode node, Config config) throws Exception {
    return node.reloadPeers(config, ASK).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aFourthSiteJoinsAWritingMeshByReloadBootstrapsBySnapshotAndIsRemovedAgain() throws Exception {
    Set<String> three = Set.of(a, b, c);
    Set<String> four = Set.of(a, b, c, d);
    try (ReplicationNode na = ReplicationNode.start(config(a, three), NodeHooks.NONE);
         ReplicationNode nb = ReplicationNode.start(config(b, three), NodeHooks.NONE);
         ReplicationNode nc = ReplicationNode.start(config(c, three), NodeHooks.NONE)) {
      List<ReplicationNode> mesh = List.of(na, nb, nc);
      for (ReplicationNode n : mesh) TestSites.append(n.journal(), SHARDS, 400, 100, n.siteId().hashCode());
      await().atMost(WAIT).until(() -> converged(mesh));

      // the three keep writing while the fourth joins; the links among them must never leave CONNECTED
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      for (ReplicationNode n : mesh) {
        Thread t = new Thread(() -> {
          long seed = 1;
          try {
            while (writing.get()) TestSites.append(n.journal(), SHARDS, 40, 20, seed++);
          } catch (Throwable e) {
            writerFailed.set(e);
          }
        }, "writer-" + n.siteId());
        t.start();
        writers.add(t);
      }
      List<String> interruptions = new ArrayList<>();
      try (ReplicationNode nd = ReplicationNode.start(config(d, four), NodeHooks.NONE)) {
        for (ReplicationNode n : mesh) {
          PeerReload reload = reload(n, config(n.siteId(), four));
          assertThat(reload.added()).containsExactly(d);
          assertThat(reload.removed()).isEmpty();
          assertThat(n.peers()).isEqualTo(Set.of(a, b, c, d).stream().filter(s -> !s.equals(n.siteId()))
              .collect(Collectors.toSet()));
        }
        // D's links from the three run (a resync first: their journals were collected past D's empty cursors)
        await().atMost(WAIT).until(() -> {
          for (ReplicationNode n : mesh) {
            links(n).forEach((peer, s) -> {
              if (!peer.equals(d) && s.state() != LinkState.CONNECTED) interruptions.add(n.siteId() + "->" + peer);
            });
            ReplicatorStatus toD = links(n).get(d);
            if (toD == null || toD.state() != LinkState.CONNECTED || toD.resync() == null
                || toD.resync().phase() != ResyncView.Phase.FINISHED) {
              return false;
            }
          }
          return true;
        });
        writing.set(false);
        for (Thread t : writers) t.join(30_000);
        assertThat(writerFailed.get()).isNull();
        List<ReplicationNode> all = List.of(na, nb, nc, nd);
        await().atMost(WAIT).until(() -> converged(all));
        assertThat(interruptions).as("links among the three while the fourth joined").isEmpty();

        // removing D from A: its cursors are dropped, and the journal is not held back for it
        nd.close();
        TestSites.append(na.journal(), SHARDS, 400, 100, 99);
        PeerReload removed = reload(na, config(a, three));
        assertThat(removed.removed()).containsExactly(d);
        assertThat(na.peers()).isEqualTo(Set.of(b, c));
        assertThat(links(na)).doesNotContainKey(d);
        await().atMost(WAIT).until(() -> na.journal().heads().entrySet().stream()
            .allMatch(h -> na.journal().horizon(h.getKey()) == h.getValue()));
      } finally {
        writing.set(false);
      }
      // a reload that changes an address is refused and changes nothing
      Map<String, Integer> moved = new HashMap<>(ports);
      moved.put(b, LoopbackSites.freePort());
      Config changed = ConfigFactory.parseMap(Map.of("cfs-repl.node.peers." + b + ".port", moved.get(b)))
          .withFallback(config(a, three));
      assertThatThrownBy(() -> na.reloadPeers(changed, ASK)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("addresses or throttle of [" + b + "]");
      assertThat(na.peers()).isEqualTo(Set.of(b, c));
    }
  }

  /**
   * A peer removed and added back starts from nothing: until it acknowledges again, its lag is every entry, whatever
   * its former link acknowledged (those acks arrived through a real link and were counted as they came).
   */
  @Test
  void aPeerAddedBackIsBehindByEverythingUntilItAcknowledgesAgain() throws Exception {
    Set<String> three = Set.of(a, b, c); // c never starts: it holds the journal, so lag is counted, not collected
    try (ReplicationNode na = ReplicationNode.start(config(a, three), NodeHooks.NONE)) {
      try (ReplicationNode nb = ReplicationNode.start(config(b, three), NodeHooks.NONE)) {
        TestSites.append(na.journal(), SHARDS, 400, 100, 1);
        await().atMost(WAIT).until(() -> links(na).get(b).lagEntries() == 0);
      }
      assertThat(reload(na, config(a, Set.of(a, c))).removed()).containsExactly(b);
      assertThat(reload(na, config(a, three)).added()).containsExactly(b);

      ReplicatorStatus rejoined = links(na).get(b); // a status request measures its lag afresh
      assertThat(rejoined.state()).isNotEqualTo(LinkState.CONNECTED);
      assertThat(rejoined.lagEntries()).isEqualTo(400);
    }
  }

  /** Every site holds the same store, and every link is caught up. */
  private static boolean converged(List<ReplicationNode> sites) throws Exception {
    String first = sites.get(0).store().digest().hash();
    for (ReplicationNode n : sites) {
      if (!n.store().digest().hash().equals(first)) return false;
      for (ReplicatorStatus s : links(n).values()) {
        if (s.lagEntries() != 0) return false;
      }
    }
    return true;
  }
}
