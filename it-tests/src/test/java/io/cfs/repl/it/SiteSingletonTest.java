package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.SingletonWatch;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import io.cfs.repl.persistence.store.PostgresMetadataStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A site of three nodes never runs one of its singletons (the SiteReplicator, the local applier) on two nodes at once,
 * and a node that lost its lease without knowing writes nothing. NEEDS PostgreSQL on 127.0.0.1:5432 ({@code .ci/run}
 * starts it): the site's nodes share their storage and leases in a database of the test's own.
 */
@ExtendWith(ItExtension.class)
@Timeout(900)
class SiteSingletonTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String APPLIER = "local-apply-" + A;
  private static final String REPLICATOR = "replicator-" + B;
  /** Longer than Pekko's seed-node-timeout (5 s), after which a restarted first seed used to form its own cluster. */
  private static final Duration FROZEN = Duration.ofSeconds(8);

  /**
   * The node that forms the site's cluster when none exists (the lowest contact point) is restarted while both sites
   * write: once killed and restarted while the other two nodes are frozen for longer than the seed-node-timeout (the
   * cause of two SiteReplicators running at once: the restarted first seed heard from nobody in time and formed a
   * cluster of its own), once stopped cleanly. A watch polls every node every 200 ms for the singletons it runs.
   * Proves: one site cluster after every restart, no singleton ever on two nodes at once, no duplicate cursor event in
   * any log, and both sites converge to the history. {@code -Dit.seedRestarts=N} sets the rounds (10 under -Pfull).
   */
  @Test
  void restartingTheFormingNodeWhileWritingNeverRunsASingletonTwice(ItContext it) {
    int rounds = Integer.getInteger("it.seedRestarts", 2);
    SiteCluster cluster = it.topology(A, B).nodes(A, 3).start();
    cluster.awaitAllConnected(Duration.ofSeconds(60));
    List<NodeProcess> nodes = cluster.nodes(A);
    NodeProcess forming = nodes.stream().min(Comparator.comparingInt(n -> n.spec().adminPort())).orElseThrow();
    List<NodeProcess> others = nodes.stream().filter(n -> n != forming).toList();
    awaitOneCluster(nodes);

    History history = new History();
    try (SingletonWatch watch = SingletonWatch.start(nodes)) {
      Workload workload = it.register(Workload.on(cluster, history, it.seed())
          .site(A, 500).site(B, 100).shards(16).inodes(2_000).maxBatch(256).start());
      workload.awaitAcknowledged(A, 1_000, Duration.ofSeconds(60));
      long firstApplierToken = awaitRunning(watch, APPLIER, 0).token();

      for (int round = 0; round < rounds; round++) {
        long acked = history.acknowledged(A);
        if (round % 2 == 0) {
          System.out.println("[it] round " + round + ": kill -9 " + forming.name() + ", restart it while "
              + others.stream().map(NodeProcess::name).toList() + " are frozen for " + FROZEN);
          forming.kill();
          others.forEach(NodeProcess::pause);
          forming.start();
          holdFault(FROZEN);
          others.forEach(NodeProcess::resume);
          forming.awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT);
        } else {
          System.out.println("[it] round " + round + ": stop " + forming.name() + " (SIGTERM) and start it again");
          forming.stop();
          forming.restart();
        }
        awaitOneCluster(nodes);
        workload.awaitAcknowledged(A, acked + 1_000, Duration.ofSeconds(120));
        cluster.awaitLink(A, B, Duration.ofSeconds(120), "CONNECTED", p -> p.state().equals("CONNECTED"));
        assertThat(watch.overlaps()).as("singletons seen on two nodes at once after round %d", round).isEmpty();
      }
      workload.stop(Duration.ofSeconds(60));
      Checker.of(cluster, history).assertConverged();

      System.out.println("[it] singleton runs seen in " + watch.answers() + " answers to " + watch.polls()
          + " polls: " + watch.runs());
      assertThat(watch.overlaps()).as("moments at which two nodes ran the same singleton").isEmpty();
      assertThat(awaitRunning(watch, APPLIER, 0).token()).as("the applier moved under a new lease at least once")
          .isGreaterThan(firstApplierToken);
      for (NodeProcess n : cluster.nodes()) {
        assertThat(n.logLines("duplicate key")).as("duplicate cursor events in the log of %s", n.name()).isEmpty();
        assertThat(n.logLines("FENCED")).as("refused writes in the log of %s", n.name()).isEmpty();
      }
    }
  }

  /**
   * The node running the site's singletons freezes (SIGSTOP) while its local applier's apply waits for the site's
   * apply lock (the test holds it, so the write is in flight at the freeze). Another node takes the lease over with a
   * higher token and runs the applier. The frozen node wakes, and its in-flight apply then gets the lock first.
   * Proves: that apply is refused by its token in its own transaction (the node logs FENCED, naming the applier), the
   * old holder stops running the applier, and the sites converge to the history with nothing lost or applied twice.
   */
  @Test
  void aFrozenHolderWakesToFindItsWritesRefusedByToken(ItContext it) throws Exception {
    SiteCluster cluster = it.topology(A, B).nodes(A, 3).start();
    cluster.awaitAllConnected(Duration.ofSeconds(60));
    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 500).site(B, 100).shards(16).inodes(2_000).maxBatch(256).start());
    workload.awaitAcknowledged(A, 1_000, Duration.ofSeconds(60));
    NodeProcess holder = holderOf(cluster, APPLIER);
    long oldToken = holder.admin().status().node().singleton(APPLIER).orElseThrow().token();
    String inFlight = "fence " + A + "/" + APPLIER + "#" + oldToken;
    System.out.println("[it] " + APPLIER + " runs on " + holder.name() + " with token " + oldToken);

    long[] newToken = new long[1];
    NodeProcess[] newHolder = new NodeProcess[1];
    try (Connection db = DriverManager.getConnection(cluster.database().url(), "postgres", "")) {
      long applyLock = PostgresMetadataStore.applyLockKey(A);
      execute(db, "SELECT pg_advisory_lock(" + applyLock + ")");
      await("the holder's fenced apply waiting for the apply lock").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50)).until(() -> waitingForLock(db, inFlight));
      holder.pause();

      await("another node running " + APPLIER + " under a newer token").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            for (NodeProcess n : cluster.nodes(A)) {
              if (n == holder || !n.isAlive()) continue;
              Optional<Status.Singleton> s = n.admin().status().node().singleton(APPLIER);
              if (s.isPresent() && s.get().token() > oldToken) {
                newToken[0] = s.get().token();
                newHolder[0] = n;
                return true;
              }
            }
            return false;
          });
      System.out.println("[it] " + newHolder[0].name() + " took " + APPLIER + " over with token " + newToken[0]);
      holder.resume();
      execute(db, "SELECT pg_advisory_unlock(" + applyLock + ")");
    }

    await("the woken holder's refusal").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> holder.logLines("FENCED").stream().anyMatch(l -> l.contains(APPLIER)));
    String refusal = holder.logLines("FENCED").get(0);
    System.out.println("[it] " + holder.name() + ": " + refusal);
    assertThat(refusal).contains("token " + oldToken).contains("is now at token " + newToken[0]);
    await("the old holder no longer running " + APPLIER).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> !holder.isAlive()
            || holder.admin().statusAsync(Duration.ofSeconds(2)).thenApply(s -> s.node().singleton(APPLIER).isEmpty())
            .exceptionally(e -> false).get(5, TimeUnit.SECONDS));

    workload.stop(Duration.ofSeconds(120));
    Checker.of(cluster, history).assertConverged();
  }

  /** The running node of site A that lists {@code singleton} among the singletons it runs. */
  private static NodeProcess holderOf(SiteCluster cluster, String singleton) {
    NodeProcess[] holder = new NodeProcess[1];
    await("a node running " + singleton).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          for (NodeProcess n : cluster.nodes(A)) {
            if (n.admin().status().node().singleton(singleton).isPresent()) {
              holder[0] = n;
              return true;
            }
          }
          return false;
        });
    return holder[0];
  }

  private static SingletonWatch.Run awaitRunning(SingletonWatch watch, String singleton, long aboveToken) {
    SingletonWatch.Run[] run = new SingletonWatch.Run[1];
    await(singleton + " running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> (run[0] = watch.latest(singleton, aboveToken)) != null);
    return run[0];
  }

  /** Every node of the site sees the same three members Up: one cluster, not islands. */
  private static void awaitOneCluster(List<NodeProcess> nodes) {
    await("one site cluster of " + nodes.size() + " members").atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
          List<List<String>> views = nodes.stream().map(n -> n.admin().members().up()).toList();
          return views.stream().allMatch(v -> v.size() == nodes.size() && v.equals(views.get(0)));
        });
  }

  /** The fault lasts this long: a duration of the scenario, not a wait for anything. */
  private static void holdFault(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean waitingForLock(Connection db, String statementMark) throws SQLException {
    try (PreparedStatement st = db.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
        + " 'Lock' AND query LIKE ?")) {
      st.setString(1, "%" + statementMark + "%");
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  private static void execute(Connection db, String sql) throws SQLException {
    try (var st = db.createStatement()) {
      st.execute(sql);
    }
  }
}
