package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lag in time is driven by a timer: zero on an idle source, rising while the peer is down (across reads and across
 * published samples, with no ack arriving), and back to zero once the peer has caught up; and it follows the peer's
 * acknowledgements, not the cursor events persisted from them at most once per interval.
 */
@Tag("integration")
class LagTimerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /** The lag samples the timer publishes, in order. */
  private record Sample(String peer, long entries, long millis) {
  }

  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final List<LinkState> states = new CopyOnWriteArrayList<>();
  private final ReplicationMetrics recording = new ReplicationMetrics() {
    @Override
    public void onLag(String peer, long entries, long millis) {
      samples.add(new Sample(peer, entries, millis));
    }

    @Override
    public void onLinkStateChanged(String peer, LinkState state) {
      states.add(state);
    }
  };

  private static Config fastLag(Config config) {
    return ConfigFactory.parseString("cfs-repl.replicator.lag-refresh = 100ms").withFallback(config);
  }

  @Test
  void aStuckLinksLagRisesUntilThePeerCatchesUp() throws Exception {
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    try (ReplicationNode a = ReplicationNode.start(fastLag(TestSites.config("site-a", dir.resolve("a"), ports)),
        NodeHooks.NONE.withMetrics(recording))) {
      // idle source: measured, and no phantom lag
      await().atMost(WAIT).until(() -> samples.size() >= 2);
      assertThat(samples).allSatisfy(s -> assertThat(s).isEqualTo(new Sample("site-b", 0, 0)));

      TestSites.append(a.journal(), 4, 20, 20, 7);
      long first = TwoSiteReplicationTest.statusOf(a, "site-b").lagMillis(System.currentTimeMillis());
      await().atMost(WAIT).until(() ->
          TwoSiteReplicationTest.statusOf(a, "site-b").lagMillis(System.currentTimeMillis()) > first);
      assertStuck(TwoSiteReplicationTest.statusOf(a, "site-b"), 20);

      // the timer publishes rising lag while no ack can arrive
      int from = samples.size();
      await().atMost(WAIT).until(() -> risingStuckSamples(samplesFrom(from)));
      assertThat(states).contains(LinkState.RECOVERING, LinkState.CONNECTING, LinkState.BACKOFF)
          .doesNotContain(LinkState.CONNECTED);

      try (ReplicationNode b = TestSites.start("site-b", dir.resolve("b"), ports, ApplyListener.NONE)) {
        await().atMost(WAIT).untilAsserted(() -> {
          var status = TwoSiteReplicationTest.statusOf(a, "site-b");
          assertThat(status.lagEntries()).isZero();
          assertThat(status.lagMillis(System.currentTimeMillis())).isZero();
          assertThat(samples.get(samples.size() - 1)).isEqualTo(new Sample("site-b", 0, 0));
        });
        assertThat(b.store().watermarks("site-a").values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(20);
        assertThat(states).contains(LinkState.CONNECTED);
      }
    }
  }

  @Test
  void lagFollowsTheAcknowledgementsNotTheSlowerCursorWrites() throws Exception {
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    // a cursor event at most once a minute: after the first, acks wait for the next, unpersisted
    Config slowCursors = ConfigFactory.parseString("cfs-repl.replicator.cursor-persist-interval = 60s")
        .withFallback(TestSites.config("site-a", dir.resolve("a"), ports));
    try (ReplicationNode b = TestSites.start("site-b", dir.resolve("b"), ports, ApplyListener.NONE);
         ReplicationNode a = ReplicationNode.start(slowCursors, NodeHooks.NONE)) {
      TestSites.append(a.journal(), 4, 20, 20, 7);
      await().atMost(WAIT).until(() -> TwoSiteReplicationTest.statusOf(a, "site-b").lagEntries() == 0);

      TestSites.append(a.journal(), 4, 40, 20, 8);
      await().atMost(WAIT).until(() -> sum(b.store().watermarks("site-a")) == 60);
      // B applied and acknowledged all 60; A's cursors will not be written for a minute, yet lag is already gone
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        var status = TwoSiteReplicationTest.statusOf(a, "site-b");
        assertThat(status.lagEntries()).isZero();
        assertThat(status.lagMillis(System.currentTimeMillis())).isZero();
      });
    }
  }

  @Test
  void aLinkWhosePeerStopsIsDownAtOnceNotAfterItsNextCursorEvent() throws Exception {
    Map<String, Integer> ports = Map.of("site-a", LoopbackSites.freePort(), "site-b", LoopbackSites.freePort());
    Config slowCursors = ConfigFactory.parseString("cfs-repl.replicator.cursor-persist-interval = 60s")
        .withFallback(TestSites.config("site-a", dir.resolve("a"), ports));
    try (ReplicationNode a = ReplicationNode.start(slowCursors, NodeHooks.NONE)) {
      try (ReplicationNode b = TestSites.start("site-b", dir.resolve("b"), ports, ApplyListener.NONE)) {
        TestSites.append(a.journal(), 4, 20, 20, 7);
        await().atMost(WAIT).until(() -> TwoSiteReplicationTest.statusOf(a, "site-b").lagEntries() == 0);
      }
      // the first cursor event is written and the next waits a minute: the link's end must not wait for it
      await().atMost(Duration.ofSeconds(20)).until(
          () -> TwoSiteReplicationTest.statusOf(a, "site-b").state() != LinkState.CONNECTED);
    }
  }

  private static long sum(Map<Integer, Long> watermarks) {
    return watermarks.values().stream().mapToLong(Long::longValue).sum();
  }

  private List<Sample> samplesFrom(int from) {
    List<Sample> all = List.copyOf(samples);
    return all.subList(from, all.size());
  }

  /** Two samples, both showing the 20 appended entries, the later one older in time. */
  private static boolean risingStuckSamples(List<Sample> window) {
    List<Sample> stuck = window.stream().filter(s -> s.entries() == 20).toList();
    return stuck.size() >= 2 && stuck.get(stuck.size() - 1).millis() > stuck.get(0).millis();
  }

  private static void assertStuck(ReplicatorStatus status, long entries) {
    assertThat(status.lagEntries()).isEqualTo(entries);
    assertThat(status.oldestUnackedHlc()).isPositive();
    assertThat(status.state()).isIn(LinkState.CONNECTING, LinkState.BACKOFF);
    assertThat(status.disconnectedSinceMillis()).isPositive();
  }
}
