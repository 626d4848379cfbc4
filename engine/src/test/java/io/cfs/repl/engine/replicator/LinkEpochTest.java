package io.cfs.repl.engine.replicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.protocol.BatchAck;
import io.cfs.repl.engine.protocol.BatchRejected;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.engine.protocol.WireMessage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.transport.link.LinkHandler;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.link.LinkSettings;
import io.cfs.repl.transport.link.SiteLinkServer;
import io.cfs.repl.transport.tls.LinkSecurity;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sending side of epochs, against a scripted peer on loopback: batches carry the site's epoch, a higher epoch the
 * peer shows in an ack or in a stale-epoch refusal reaches the site's epoch view, and a stale-epoch refusal makes the
 * link dial again (and go through) instead of stopping.
 */
class LinkEpochTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.provider = local
          cfs-repl.replicator.backoff.min = 50ms
          cfs-repl.replicator.backoff.max = 200ms
          """)
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(NodeConfig.base()).resolve();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static ActorTestKit testKit;

  @TempDir
  Path dir;

  private final WireCodec codec = WireCodec.create(CONFIG);
  private final HighestEpochSeen epochs = new HighestEpochSeen(0);
  /** The epoch of every batch the peer received, in order. */
  private final List<Long> shippedEpochs = new CopyOnWriteArrayList<>();
  /** The peer's epoch: batches below it are refused. */
  private final AtomicLong peerEpoch = new AtomicLong();
  /** The epoch the peer puts in its acks. */
  private final AtomicLong ackEpoch = new AtomicLong();
  /** The kinds of the link's ends, as metrics see them. */
  private final List<String> linkDowns = new CopyOnWriteArrayList<>();
  private final ReplicationMetrics metrics = new ReplicationMetrics() {
    @Override
    public void onLinkDown(String peer, String kind) {
      linkDowns.add(kind);
    }
  };
  private RocksDbJournal journal;
  private Tcp.ServerBinding peer;
  private ActorRef<SiteReplicator.Command> replicator;

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
    TestSites.append(journal, 2, 20, 20, 1);
    peer = SiteLinkServer.bind(testKit.system(), LinkSettings.create(CONFIG), LinkSecurity.PLAIN, "site-b", "127.0.0.1", 0,
        scriptedPeer(), LinkMetrics.NONE).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (replicator != null) testKit.stop(replicator);
    // the in-memory cursors outlive the replicator: the next test starts from none
    PersistenceTestKit.create(testKit.system()).clearAll();
    SnapshotTestKit.create(testKit.system()).clearAll();
    peer.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    journal.close();
  }

  /** Refuses a batch below {@link #peerEpoch}; acks any other with {@link #ackEpoch} and the batch's highest seqs. */
  private LinkHandler scriptedPeer() {
    return hello -> Flow.of(org.apache.pekko.util.ByteString.class)
        .map(frame -> {
          ShipBatch batch = (ShipBatch) codec.decode(frame);
          shippedEpochs.add(batch.epoch());
          WireMessage answer;
          if (batch.epoch() < peerEpoch.get()) {
            answer = new BatchRejected(batch.batchId(), BatchRejected.Reason.STALE_EPOCH, "stale", peerEpoch.get());
          } else {
            Map<Integer, Long> marks = new HashMap<>();
            for (JournalEntry e : batch.entries()) marks.merge(e.shard(), e.seq(), Math::max);
            answer = new BatchAck(batch.batchId(), marks, List.of(), batch.entries().size(), 0,
                BatchAck.Timestamps.NONE, ackEpoch.get());
          }
          return codec.encode(answer);
        })
        .takeWhile(bytes -> !(codec.decode(bytes) instanceof BatchRejected), true);
  }

  private void startReplicator() {
    ReplicatorWiring wiring = new ReplicatorWiring("site-a", "site-b",
        List.of(new InetSocketAddress("127.0.0.1", peer.localAddress().getPort())), journal,
        ReplicatorSettings.create(CONFIG), LinkSettings.create(CONFIG), LinkSecurity.PLAIN, codec, metrics,
        LinkMetrics.NONE,
        BatchTracer.NONE, epochs, AuditSink.NONE);
    replicator = testKit.spawn(SiteReplicator.create(wiring,
        new Fence("site-a", SiteReplicator.singletonName("site-b"), 1)));
  }

  private ReplicatorStatus askStatus() {
    var probe = testKit.<ReplicatorStatus>createTestProbe();
    replicator.tell(new SiteReplicator.GetStatus(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void batchesCarryTheSitesEpochAndAHigherEpochInAnAckIsObserved() {
    epochs.observe("test", 2);
    ackEpoch.set(9);
    startReplicator();

    await().atMost(WAIT).until(() -> epochs.current() == 9);
    assertThat(shippedEpochs.get(0)).isEqualTo(2);
    await().atMost(WAIT).untilAsserted(() -> assertThat(askStatus().lagEntries()).isZero());
  }

  @Test
  void aStaleEpochRefusalIsObservedAndTheLinkGoesThroughInThatEpoch() {
    peerEpoch.set(7);
    ackEpoch.set(7);
    startReplicator();

    await().atMost(WAIT).untilAsserted(() -> {
      ReplicatorStatus status = askStatus();
      assertThat(status.lagEntries()).isZero();
      assertThat(status.state()).isEqualTo(LinkState.CONNECTED);
    });
    assertThat(epochs.current()).isEqualTo(7);
    assertThat(shippedEpochs.get(0)).isZero();
    assertThat(shippedEpochs).contains(7L);
    assertThat(shippedEpochs.subList(shippedEpochs.indexOf(7L), shippedEpochs.size())).containsOnly(7L);
    assertThat(linkDowns).containsExactly(ReplicationMetrics.STALE_EPOCH);
  }
}
