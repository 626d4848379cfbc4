package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.membership.PeerDirectory;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.PeerAddress;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator's persistent side: acks become cursor events, gaps stop shards, pause/resume, and everything comes
 * back after a restart (from events and from snapshots). Events and state go through the real Kryo serializer.
 * The peer address is a closed port, so the link only ever backs off.
 */
class SiteReplicatorTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.provider = local
          cfs-repl.replicator.snapshot-every = 3
          """)
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(NodeConfig.base()).resolve();

  private static final long CONFIGURED_THROTTLE = 1L << 20;
  private static ActorTestKit testKit;

  @TempDir
  Path dir;

  private RocksDbJournal journal;
  private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();
  private EventSourcedBehaviorTestKit<SiteReplicator.Command, ReplicatorEvent, ReplicatorState> kit;
  /** The site's peers as the replicator sees them: site-b, until a test removes it. */
  private final PeerDirectory members = new PeerDirectory(Map.of("site-b", PeerAddress.of("site-b", "127.0.0.1", 1)));

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create(CONFIG);
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() throws Exception {
    journal = RocksDbJournal.open(dir.resolve("journal"), "site-a", JournalSettings.create(CONFIG));
    TestSites.append(journal, 4, 400, 100, 1); // 100 entries per shard 0..3
    ReplicatorWiring wiring = new ReplicatorWiring("site-a", "site-b",
        List.of(new InetSocketAddress("127.0.0.1", LoopbackSites.freePort())), journal,
        ReplicatorSettings.create(CONFIG), LinkSettings.create(CONFIG), LinkSecurity.PLAIN, WireCodec.create(CONFIG),
        ReplicationMetrics.NONE, LinkMetrics.NONE,
        BatchTracer.NONE, new HighestEpochSeen(0), audited::add, CONFIGURED_THROTTLE, null, null, null, members, null);
    kit = EventSourcedBehaviorTestKit.create(testKit.system(), SiteReplicator.create(wiring, new Fence("site-a", SiteReplicator.singletonName("site-b"), 1)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
  }

  @AfterEach
  void tearDown() {
    kit.clear();
    journal.close();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<SiteReplicator.Command, ReplicatorEvent,
      ReplicatorState, Done> ack(Map<Integer, Long> watermarks, List<Gap> gaps) {
    return kit.runCommand(replyTo -> new SiteReplicator.RecordAcks(
        new AckSummary(watermarks, gaps), replyTo));
  }

  /**
   * A removed peer's replicator is inert: an ack or a run of its last link changes nothing (it stays removed), and one
   * that starts again follows the site's peers as they are now: removed while it was down, it removes itself; added
   * back meanwhile, it rejoins from nothing.
   */
  @Test
  void aRemovedPeersReplicatorIgnoresItsLastLinkAndFollowsThePeersWhenItStartsAgain() {
    ack(Map.of(0, 50L), List.of());
    var removed = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.Membership(false, replyTo));
    assertThat(removed.events()).singleElement().isInstanceOf(ReplicatorEvent.PeerRemoved.class);
    assertThat(removed.state().cursors()).isEmpty();
    assertThat(removed.reply().state()).isEqualTo(LinkState.REMOVED);
    assertThat(ack(Map.of(0, 60L), List.of()).hasNoEvents()).isTrue();
    var resync = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.RequireResync("cap", false, replyTo));
    assertThat(resync.hasNoEvents()).isTrue();
    assertThat(kit.getState().removed()).isTrue();

    // still a member as far as the node knows now: it rejoins as it recovers
    kit.restart();
    testKit.createTestProbe().awaitAssert(() -> {
      assertThat(kit.getState().removed()).isFalse();
      return null;
    });
    assertThat(kit.getState().cursors()).isEmpty();

    // removed while it was down: it removes itself as it recovers
    members.replace(Map.of());
    kit.restart();
    testKit.createTestProbe().awaitAssert(() -> {
      assertThat(kit.getState().removed()).isTrue();
      return null;
    });
  }

  @Test
  void acknowledgementsAdvanceCursorsAndNeverRegressThem() {
    var first = ack(Map.of(0, 50L, 1, 10L), List.of());
    assertThat(first.events()).containsExactly(new ReplicatorEvent.CursorsAdvanced(Map.of(0, 50L, 1, 10L)));
    assertThat(first.reply()).isEqualTo(Done.getInstance());
    var stale = ack(Map.of(0, 40L), List.of());
    assertThat(stale.hasNoEvents()).isTrue();
    assertThat(kit.getState().cursor(0)).isEqualTo(50);
  }

  @Test
  void statusReportsLagAgainstTheJournal() {
    ack(Map.of(0, 100L, 1, 60L), List.of());
    ReplicatorStatus status = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(status.lagEntries()).isEqualTo(40 + 100 + 100);
    long oldest = Math.min(journal.hlcAt(1, 61).orElseThrow(),
        Math.min(journal.hlcAt(2, 1).orElseThrow(), journal.hlcAt(3, 1).orElseThrow()));
    assertThat(status.oldestUnackedHlc()).isEqualTo(oldest);
    assertThat(status.peer()).isEqualTo("site-b");
  }

  @Test
  void aGapStopsTheShardOnceAndResumeClearsIt() {
    var gap = ack(Map.of(2, 0L), List.of(new Gap(2, 1, 51)));
    assertThat(gap.events()).hasSize(1);
    assertThat(gap.events().get(0)).isInstanceOf(ReplicatorEvent.ShardStopped.class);
    assertThat(ack(Map.of(), List.of(new Gap(2, 1, 51))).hasNoEvents()).isTrue();
    ReplicatorStatus status = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(status.stoppedShards()).extracting(StoppedShard::shard).containsExactly(2);
    assertThat(status.stoppedShards().get(0).reason()).contains("sequence gap on shard 2");
    var resumed = kit.<ReplicatorStatus>runCommand(SiteReplicator.Resume::new);
    assertThat(resumed.events()).hasSize(1);
    assertThat(resumed.state().stopped()).isEmpty();
  }

  @Test
  void stoppedShardsPausesAndResumesAreAuditedOnceAndNotAgainOnReplay() {
    ack(Map.of(2, 0L), List.of(new Gap(2, 1, 51)));
    ack(Map.of(), List.of(new Gap(2, 1, 51))); // the same gap again: already stopped, not audited twice
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Resume::new);

    assertThat(audited).extracting(AuditRecord::kind).containsExactly(AuditKind.SHARD_STOPPED,
        AuditKind.LINK_PAUSED, AuditKind.LINK_RESUMED);
    AuditRecord stopped = audited.get(0);
    assertThat(stopped.site()).isEqualTo("site-a");
    assertThat(stopped.peer()).isEqualTo("site-b");
    assertThat(stopped.shard()).isEqualTo(2);
    assertThat(stopped.seq()).isEqualTo(51);
    assertThat(stopped.attributes()).containsEntry("expectedSeq", "1");
    assertThat(stopped.detail()).contains("sequence gap on shard 2");
    assertThat(audited).allSatisfy(r -> assertThat(r.peer()).isEqualTo("site-b"));

    kit.restart(); // replaying the events has no side effects
    assertThat(audited).hasSize(3);
  }

  @Test
  void aGapAcknowledgedAfterAPauseStopsTheShardAndKeepsTheLinkPaused() {
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);

    var gap = ack(Map.of(2, 0L), List.of(new Gap(2, 1, 51)));

    assertThat(gap.events()).singleElement().isInstanceOf(ReplicatorEvent.ShardStopped.class);
    ReplicatorStatus status = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(status.state()).isEqualTo(LinkState.PAUSED);
    assertThat(status.stoppedShards()).extracting(StoppedShard::shard).containsExactly(2);
  }

  @Test
  void forcedSyncRetriesStoppedShardsAndKeepsAPause() {
    ack(Map.of(2, 0L), List.of(new Gap(2, 1, 51)));
    var retried = kit.<SyncOutcome>runCommand(replyTo -> new SiteReplicator.Sync(true, replyTo));
    assertThat(retried.reply().action()).isEqualTo(SyncOutcome.Action.RETRIED);
    assertThat(retried.events()).singleElement().isInstanceOf(ReplicatorEvent.LinkResumed.class);
    assertThat(retried.state().stopped()).isEmpty();
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    var kept = kit.<SyncOutcome>runCommand(replyTo -> new SiteReplicator.Sync(true, replyTo));
    assertThat(kept.reply().action()).isEqualTo(SyncOutcome.Action.LEFT_PAUSED);
    assertThat(kept.hasNoEvents()).isTrue();
    assertThat(kept.reply().status().state()).isEqualTo(LinkState.PAUSED);
  }

  @Test
  void whilePausedOnlyResumeChangesAnything() {
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    var again = kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().state()).isEqualTo(LinkState.PAUSED);
    var sync = kit.<SyncOutcome>runCommand(replyTo -> new SiteReplicator.Sync(false, replyTo));
    assertThat(sync.hasNoEvents()).isTrue();
    assertThat(sync.reply().action()).isEqualTo(SyncOutcome.Action.LEFT_PAUSED);
    var resumed = kit.<ReplicatorStatus>runCommand(SiteReplicator.Resume::new);
    assertThat(resumed.events()).singleElement().isInstanceOf(ReplicatorEvent.LinkResumed.class);
    assertThat(resumed.state().paused()).isFalse();
    assertThat(resumed.reply().state()).isEqualTo(LinkState.CONNECTING);
  }

  @Test
  void aRunningLinkWithNothingStoppedHasNothingToResumeOrRetry() {
    var resumed = kit.<ReplicatorStatus>runCommand(SiteReplicator.Resume::new);
    assertThat(resumed.hasNoEvents()).isTrue();
    assertThat(resumed.reply().state()).isIn(LinkState.CONNECTING, LinkState.BACKOFF);
    var sync = kit.<SyncOutcome>runCommand(replyTo -> new SiteReplicator.Sync(true, replyTo));
    assertThat(sync.hasNoEvents()).isTrue();
    assertThat(sync.reply().action()).isIn(SyncOutcome.Action.RECONNECTED, SyncOutcome.Action.RESTARTED);
    assertThat(sync.reply().status().state()).isEqualTo(LinkState.CONNECTING);
    var paused = kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    assertThat(paused.events()).singleElement().isInstanceOf(ReplicatorEvent.LinkPaused.class);
  }

  @Test
  void pauseIsDurableAndVisible() {
    var paused = kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    assertThat(paused.reply().state()).isEqualTo(LinkState.PAUSED);
    assertThat(kit.restart().state().paused()).isTrue();
    ReplicatorStatus after = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(after.state()).isEqualTo(LinkState.PAUSED);
  }

  @Test
  void cursorsRecoverFromEventsAndSnapshots() {
    for (long i = 1; i <= 8; i++) {
      ack(Map.of(0, i * 10, 3, i), List.of());
    }
    ack(Map.of(), List.of(new Gap(1, 1, 5)));
    ReplicatorState before = kit.getState();
    // snapshot-every = 3: nine events leave snapshots behind, so recovery reads a snapshot plus later events.
    var snapshots = kit.snapshotTestKit().orElseThrow()
        .persistedInStorage(SiteReplicator.persistenceId("site-a", "site-b").id());
    assertThat(snapshots).isNotEmpty();
    assertThat(snapshots.get(snapshots.size() - 1).second()).isInstanceOf(ReplicatorState.class);
    var restarted = kit.restart();
    assertThat(restarted.state()).isEqualTo(before);
    assertThat(restarted.state().cursor(0)).isEqualTo(80);
    assertThat(restarted.state().stopped()).containsKey(1);
  }

  @Test
  void anOperatorsThrottleIsPersistedWinsOverTheConfiguredOneAndComesBack() {
    ReplicatorStatus configured = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(configured.throttleBytesPerSecond()).isEqualTo(CONFIGURED_THROTTLE);

    var set = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.SetThrottle(2L << 20, replyTo));
    assertThat(set.events()).singleElement().isInstanceOfSatisfying(ReplicatorEvent.ThrottleChanged.class,
        e -> assertThat(e.bytesPerSecond()).isEqualTo(2L << 20));
    assertThat(set.reply().throttleBytesPerSecond()).isEqualTo(2L << 20);
    assertThat(audited).extracting(AuditRecord::kind).containsExactly(AuditKind.LINK_THROTTLED);
    var same = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.SetThrottle(2L << 20, replyTo));
    assertThat(same.hasNoEvents()).isTrue();

    // lifted by the operator: unlimited, although the configuration has a throttle
    var lifted = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.SetThrottle(0, replyTo));
    assertThat(lifted.reply().throttleBytesPerSecond()).isZero();
    for (long i = 1; i <= 4; i++) {
      ack(Map.of(0, i), List.of()); // snapshot-every = 3: recovery starts from a snapshot
    }
    var restarted = kit.restart();
    assertThat(restarted.state().throttle()).isZero();
    ReplicatorStatus after = kit.<ReplicatorStatus>runCommand(SiteReplicator.GetStatus::new).reply();
    assertThat(after.throttleBytesPerSecond()).isZero();
    assertThat(audited).hasSize(2); // replay audits nothing
  }

  @Test
  void aThrottleHoldsWhilePausedAndResumeKeepsIt() {
    kit.<ReplicatorStatus>runCommand(SiteReplicator.Pause::new);
    var set = kit.<ReplicatorStatus>runCommand(replyTo -> new SiteReplicator.SetThrottle(4096, replyTo));
    assertThat(set.reply().state()).isEqualTo(LinkState.PAUSED);
    var resumed = kit.<ReplicatorStatus>runCommand(SiteReplicator.Resume::new);
    assertThat(resumed.state().throttle()).isEqualTo(4096);
    assertThat(resumed.reply().throttleBytesPerSecond()).isEqualTo(4096);
  }
}
