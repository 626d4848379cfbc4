package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A network cut of one direction (A's link to B, through the fault proxy) for a few seconds while both sites write,
 * then healed. Proves: during the cut A's status for B shows the link BACKOFF/CONNECTING with lag rising in entries
 * and in time, while the other direction (B to A) stays CONNECTED and keeps up; after the heal the link reconnects
 * by itself; a receiver frozen by SIGSTOP holds A's backlog up and drains it after SIGCONT; both stores converge to
 * the history.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class LinkCutTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final Set<String> NOT_CONNECTED = Set.of("BACKOFF", "CONNECTING");

  @Test
  void cutOneDirectionThenHealConverges(ItContext it) {
    SiteCluster cluster = it.topology(A, B).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 1_000).site(B, 200).shards(16).inodes(2_000).start());
    workload.awaitAcknowledged(A, 1_500, Duration.ofSeconds(30));

    cluster.proxy(A, B).cut();
    long ackedAtCut = workload.acknowledged(A);
    Status.Peer first = cluster.awaitLink(A, B, Duration.ofSeconds(10), "cut", p -> NOT_CONNECTED.contains(p.state())
        && p.lagEntries() > 0);
    Status.Peer later = cluster.awaitLink(A, B, Duration.ofSeconds(20), "lagging more",
        p -> NOT_CONNECTED.contains(p.state()) && p.lagEntries() >= first.lagEntries() + 1_000
            && p.lagMillis() > first.lagMillis() + 500);
    System.out.println("[it] during the cut: " + A + " -> " + first + ", then " + later);
    // the other direction is unaffected: B's link to A stays up and keeps up
    Status.Peer reverse = cluster.admin(B).status().requirePeer(A);
    assertThat(reverse.state()).as("B -> A during the cut of A -> B").isEqualTo("CONNECTED");
    cluster.awaitLink(B, A, Duration.ofSeconds(10), "keeping up", p -> p.state().equals("CONNECTED")
        && p.lagMillis() < 1_000);
    workload.awaitAcknowledged(A, ackedAtCut + 4_000, Duration.ofSeconds(30)); // the cut lasts 4 s of A's writes

    cluster.proxy(A, B).heal();
    cluster.awaitLink(A, B, Duration.ofSeconds(30), "reconnected", p -> p.state().equals("CONNECTED"));
    workload.awaitAcknowledged(A, workload.acknowledged(A) + 1_000, Duration.ofSeconds(30));

    // a frozen receiver (SIGSTOP) holds A's lag up while A writes on; after SIGCONT it drains
    cluster.awaitLink(A, B, Duration.ofSeconds(30), "caught up", p -> p.lagMillis() < 1_000);
    cluster.node(B).pause();
    long frozenAt = workload.acknowledged(A);
    workload.awaitAcknowledged(A, frozenAt + 2_000, Duration.ofSeconds(30));
    Status.Peer frozen = cluster.admin(A).status().requirePeer(B);
    assertThat(frozen.lagEntries()).as("A's backlog for B while B is frozen").isGreaterThanOrEqualTo(1_500);
    cluster.node(B).resume();
    cluster.awaitLink(A, B, Duration.ofSeconds(30), "drained after SIGCONT", p -> p.lagEntries() < 1_000);
    workload.stop(Duration.ofSeconds(30));
    Checker.of(cluster, history).assertConverged();
  }
}
