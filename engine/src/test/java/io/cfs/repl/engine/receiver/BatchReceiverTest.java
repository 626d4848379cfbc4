package io.cfs.repl.engine.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.Applier;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.gc.StableSeqs;
import io.cfs.repl.engine.membership.PeerDirectory;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.PeerAddress;
import io.cfs.repl.engine.protocol.BatchAck;
import io.cfs.repl.engine.protocol.BatchRejected;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.engine.protocol.WireMessage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver on its flow alone (no network). Its epoch rules: a batch below this site's epoch is refused whole and
 * reported, a higher one is observed and applied, acks and refusals carry this site's epoch, and entries stamped
 * before this site's epoch are reported with how last-write-wins treated them. And how batches that wait behind an
 * apply are merged into the next one, within a bound.
 */
class BatchReceiverTest {
  private static final String LOCAL = "site-b";
  private static final String PEER = "site-a";
  private static final UUID INCARNATION = UUID.randomUUID();
  private static final Config CONFIG = ConfigFactory.load();
  private static ActorTestKit testKit;

  @TempDir
  Path dir;

  private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();
  private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-storage"));
  private final WireCodec codec = WireCodec.create(CONFIG);
  private final ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();
  private final List<ApplyResult.Outcome> oldOutcomes = new ArrayList<>();
  private RocksDbMetadataStore store;
  private HighestEpochSeen epochs;
  private BatchReceiver receiver;
  private final StableSeqs stable = new StableSeqs();
  private final EntryAges ages = new EntryAges(ReplicationMetrics.NONE);
  private final List<Integer> appliedSizes = new CopyOnWriteArrayList<>();
  private final List<Integer> durableSizes = new CopyOnWriteArrayList<>();
  /** Two storage threads, so that an apply can run while a sync is held. */
  private final ExecutorService twoStorageThreads = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir, StoreSettings.defaults());
  }

  @AfterEach
  void close() {
    storage.shutdownNow();
    twoStorageThreads.shutdownNow();
    store.close();
  }

  /** The receiver's peers: site-a, until a test removes it. */
  private PeerDirectory peers;

  /** A receiver of site-b at {@code epoch}, whose listener writes down what it hears. */
  private void receiverAt(long epoch) {
    receiverAt(epoch, ReceiverSettings.create(CONFIG));
  }

  private void receiverAt(long epoch, ReceiverSettings settings) {
    receiverAt(epoch, settings, store, storage);
  }

  private void receiverAt(long epoch, ReceiverSettings settings, MetadataStore store, ExecutorService storage) {
    epochs = new HighestEpochSeen(epoch);
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long at) {
        heard.add("applied " + origin + " " + result.applied());
        appliedSizes.add(entries.size());
      }

      @Override
      public void onBatchDurable(String origin, List<JournalEntry> entries, long at) {
        durableSizes.add(entries.size());
      }

      @Override
      public void onBatchRejected(String origin, String reason) {
        heard.add("rejected " + origin);
      }

      @Override
      public void onStaleEpoch(String origin, long batchEpoch, long localEpoch) {
        heard.add("stale " + origin + " " + batchEpoch + "<" + localEpoch);
      }

      @Override
      public void onOldEpochEntries(String origin, List<JournalEntry> entries, long localEpoch, ApplyResult result) {
        heard.add("old " + origin + " " + entries.stream().map(e -> e.seq() + "@" + e.epoch()).toList() + "<"
            + localEpoch);
        entries.forEach(e -> oldOutcomes.add(result.outcome(e)));
      }
    };
    Applier applier = new Applier(store, storage, listener, ReplicationMetrics.NONE);
    peers = new PeerDirectory(Map.of(PEER, PeerAddress.of(PEER, "127.0.0.1", 1)));
    receiver = new BatchReceiver(LOCAL, peers, applier, codec, settings, listener,
        ReplicationMetrics.NONE, BatchTracer.NONE, epochs,
        new IncarnationGuard(LOCAL, store, storage, audited::add), stable, ages);
  }

  @Test
  void aLinkOfAnotherIncarnationIsRefusedOnceThisOnesEntriesWereAppliedAndAuditedOnce() throws Exception {
    receiverAt(0);
    exchange(batch(1, 0, stamped(0, 1, 3, 0)));
    UUID wiped = UUID.randomUUID();
    for (int attempt = 0; attempt < 2; attempt++) {
      ExecutionException refused = assertThrows(ExecutionException.class, () -> receiver.acceptAsync(
              new Handshake(4, PEER, LOCAL, Handshake.Channel.DATA, Optional.of(wiped)))
          .toCompletableFuture().get(30, TimeUnit.SECONDS));
      HandshakeRejectedException e = assertInstanceOf(HandshakeRejectedException.class, refused.getCause());
      assertThat(e.reason()).isEqualTo(HandshakeRejectedException.Reason.INCARNATION_MISMATCH);
      assertThat(e.detail()).contains(INCARNATION.toString(), wiped.toString(), PEER, LOCAL, "forget-incarnation");
    }
    assertThat(audited).hasSize(1); // a sender in backoff retries; the audit says it once
    assertThat(audited.get(0).kind()).isEqualTo(AuditKind.INCARNATION_REFUSED);
    assertThat(audited.get(0).peer()).isEqualTo(PEER);
    assertThat(store.incarnation(PEER)).contains(INCARNATION);
    assertThat(store.watermarks(PEER)).isEqualTo(Map.of(0, 3L));
  }

  /** Sends the batches on one connection and returns the receiver's answers. */
  private List<WireMessage> exchange(ShipBatch... batches) throws Exception {
    return run(accepted(), new AtomicInteger(), batches).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Flow<ByteString, ByteString, NotUsed> accepted() throws Exception {
    return receiver.acceptAsync(new Handshake(4, PEER, LOCAL, Handshake.Channel.DATA, Optional.of(INCARNATION)))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Sends the batches on an accepted link, counting in {@code taken} the ones the receiver took off it. */
  private CompletionStage<List<WireMessage>> run(Flow<ByteString, ByteString, NotUsed> link, AtomicInteger taken,
                                                ShipBatch... batches) {
    return Source.from(List.of(batches)).map(codec::encode)
        .wireTap(frame -> taken.incrementAndGet())
        .via(link)
        .map(codec::decode)
        .runWith(Sink.seq(), testKit.system());
  }

  /**
   * Batches that arrive while an apply runs are merged into the next apply up to apply-merge-max-entries, not up to
   * max-batch-entries: what waits is decoded on the heap, so beyond the merge bound the receiver stops taking frames
   * off the connection (the sender's journal holds the rest).
   */
  @Test
  void batchesWaitingBehindAnApplyAreMergedOnlyUpToTheMergeBound() throws Exception {
    receiverAt(0, new ReceiverSettings(20_000, 3_000, "unused"));
    Flow<ByteString, ByteString, NotUsed> link = accepted();
    CountDownLatch release = new CountDownLatch(1);
    storage.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ShipBatch[] batches = new ShipBatch[10];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = batch(i + 1, 0, stamped(0, i * 1000L + 1, (i + 1) * 1000L, 0));
    }
    AtomicInteger taken = new AtomicInteger();
    CompletionStage<List<WireMessage>> answers = run(link, taken, batches);

    // the first batch waits for the storage thread; three more merge behind it; the fifth is held, and no more taken
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> taken.get() >= 5);
      assertThat(taken.get()).as("nothing taken beyond the merge bound while the apply waits").isEqualTo(5);
    } finally {
      release.countDown();
    }

    List<WireMessage> replies = answers.toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(appliedSizes).containsExactly(1000, 3000, 3000, 3000);
    assertThat(replies).allSatisfy(reply -> assertThat(reply).isInstanceOf(BatchAck.class));
    assertThat(replies).extracting(reply -> ((BatchAck) reply).batchId()).containsExactly(1L, 4L, 7L, 10L);
    assertThat(store.watermarks(PEER)).isEqualTo(Map.of(0, 10_000L));
  }

  /** The test's store, whose syncs wait for {@code release} (counted in {@code syncs}) or fail with {@code failure}. */
  private MetadataStore heldSyncs(CountDownLatch release, AtomicInteger syncs, RuntimeException failure) {
    return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
        new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("sync")) {
            syncs.incrementAndGet();
            if (!release.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("sync never released");
            if (failure != null) throw failure;
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** An applied batch is visible to reads before the store's sync; its ack waits for the sync. */
  @Test
  void anAppliedBatchIsVisibleBeforeItsSyncAndAckedOnlyAfterIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger syncs = new AtomicInteger();
    receiverAt(0, ReceiverSettings.create(CONFIG), heldSyncs(release, syncs, null), twoStorageThreads);
    CompletionStage<List<WireMessage>> answers = run(accepted(), new AtomicInteger(), batch(1, 0, stamped(0, 1, 3, 0)));

    await().atMost(Duration.ofSeconds(30)).until(() -> syncs.get() == 1);
    assertThat(store.watermarks(PEER)).as("applied and visible while the sync is held").isEqualTo(Map.of(0, 3L));
    assertThat(store.get(TestEntries.entry(PEER, 0, 2).inodeId())).isPresent();
    assertThat(heard).containsExactly("applied site-a 3");
    assertThat(durableSizes).isEmpty();
    assertThat(answers.toCompletableFuture()).as("no ack before the sync").isNotDone();

    release.countDown();
    assertThat(answers.toCompletableFuture().get(30, TimeUnit.SECONDS)).singleElement()
        .isInstanceOfSatisfying(BatchAck.class, ack -> assertThat(ack.watermarks()).isEqualTo(Map.of(0, 3L)));
    assertThat(durableSizes).containsExactly(3);
    assertThat(syncs.get()).isEqualTo(1);
    assertThat(ages.snapshot().window().get(EntryStage.RECEIVED).get(PEER).entries()).as("received, by origin")
        .isEqualTo(3);
  }

  /**
   * Batches applied one by one while a sync runs wait for the next sync together: one fsync for all of them. Each is
   * sent only once the one before it was applied, so none merges into another's apply: what they share is the sync.
   */
  @Test
  void batchesAppliedWhileASyncRunsShareTheNextSync() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger syncs = new AtomicInteger();
    receiverAt(0, ReceiverSettings.create(CONFIG), heldSyncs(release, syncs, null), twoStorageThreads);
    Pair<BoundedSourceQueue<ShipBatch>, CompletionStage<List<WireMessage>>> link = Source.<ShipBatch>queue(8)
        .map(codec::encode).via(accepted()).map(codec::decode)
        .toMat(Sink.seq(), Keep.both()).run(testKit.system());
    BoundedSourceQueue<ShipBatch> frames = link.first();

    frames.offer(batch(1, 0, stamped(0, 1, 10, 0)));
    await().atMost(Duration.ofSeconds(30)).until(() -> syncs.get() == 1);
    for (int i = 2; i <= 5; i++) {
      int applied = i;
      frames.offer(batch(i, 0, stamped(i, 1, 10, 0)));
      await().atMost(Duration.ofSeconds(30)).until(() -> appliedSizes.size() == applied);
    }
    assertThat(syncs.get()).as("the first sync is still held").isEqualTo(1);
    assertThat(durableSizes).isEmpty();
    frames.complete();
    release.countDown();

    List<WireMessage> replies = link.second().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(appliedSizes).containsExactly(10, 10, 10, 10, 10);
    assertThat(syncs.get()).as("one sync for the first batch, one for the four applied while it ran").isEqualTo(2);
    assertThat(durableSizes).containsExactly(10, 10, 10, 10, 10);
    assertThat(replies).extracting(reply -> ((BatchAck) reply).batchId()).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  /** A sync that fails acknowledges nothing of what it covered and ends the link: the sender resends it. */
  @Test
  void aFailedSyncAcknowledgesNothingAndEndsTheLink() throws Exception {
    CountDownLatch release = new CountDownLatch(0);
    AtomicInteger syncs = new AtomicInteger();
    receiverAt(0, ReceiverSettings.create(CONFIG),
        heldSyncs(release, syncs, new StorageException("fsync failed")), twoStorageThreads);
    List<WireMessage> answers = new CopyOnWriteArrayList<>();
    CompletionStage<?> done = Source.single(batch(1, 0, stamped(0, 1, 3, 0))).map(codec::encode)
        .via(accepted()).map(codec::decode).runForeach(answers::add, testKit.system());

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> done.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(failed.getCause()).hasMessageContaining("fsync failed");
    assertThat(answers).isEmpty();
    assertThat(durableSizes).isEmpty();
  }

  private static ShipBatch batch(long id, long epoch, List<JournalEntry> entries) {
    return new ShipBatch(id, PEER, entries, null, System.currentTimeMillis(), epoch);
  }

  private static List<JournalEntry> stamped(int shard, long from, long to, long epoch) {
    return TestEntries.range(PEER, shard, from, to).stream().map(e -> e.withEpoch(epoch)).toList();
  }

  @Test
  void aBatchBelowThisSitesEpochIsRefusedWholeAndReported() throws Exception {
    receiverAt(3);

    // 4 entries refused, 5 after them: what the ages counted tells the two apart
    List<WireMessage> answers = exchange(batch(1, 2, stamped(0, 1, 4, 2)), batch(2, 3, stamped(0, 1, 5, 3)));

    assertThat(answers).singleElement().isInstanceOfSatisfying(BatchRejected.class, rejected -> {
      assertThat(rejected.batchId()).isEqualTo(1);
      assertThat(rejected.reason()).isEqualTo(BatchRejected.Reason.STALE_EPOCH);
      assertThat(rejected.epoch()).isEqualTo(3);
      assertThat(rejected.message()).contains("epoch 2").contains("epoch 3");
    });
    assertThat(store.watermarks(PEER)).as("nothing applied, not even the next batch").isEmpty();
    assertThat(heard).containsExactly("rejected site-a", "stale site-a 2<3");
    // the next batch may have been decoded before the refusal ended the link, never the refused one
    EntryAges.Summary received = ages.snapshot().sinceStart().getOrDefault(EntryStage.RECEIVED, Map.of()).get(PEER);
    assertThat(received == null ? 0 : received.entries()).as("the refused batch is not received").isIn(0L, 5L);
  }

  /** The stable seqs an applied batch carried (a keep-alive's too) are what the node heard last of its origin. */
  @Test
  void theStableSeqsOfAnAppliedBatchAreHeardAndARefusedOnesAreNot() throws Exception {
    receiverAt(1);
    exchange(new ShipBatch(1, PEER, stamped(0, 1, 3, 1), null, 0, 1, Map.of(0, 2L, 3, 9L)));
    assertThat(stable.heard()).isEqualTo(Map.of(PEER, Map.of(0, 2L, 3, 9L)));

    exchange(new ShipBatch(2, PEER, List.of(), null, 0, 1, Map.of(0, 3L)));
    assertThat(stable.heard()).as("replaced, not merged").isEqualTo(Map.of(PEER, Map.of(0, 3L)));

    exchange(new ShipBatch(3, PEER, stamped(0, 4, 5, 0), null, 0, 0, Map.of(0, 5L)));
    assertThat(stable.heard()).as("a stale batch is refused whole").isEqualTo(Map.of(PEER, Map.of(0, 3L)));
  }

  /** A reload that removes the peer while its link is open: its next batch is refused, nothing of it applied. */
  @Test
  void aBatchOfAPeerRemovedWhileItsLinkIsOpenIsRefused() throws Exception {
    receiverAt(0);
    Flow<ByteString, ByteString, NotUsed> link = receiver.acceptAsync(new Handshake(4, PEER, LOCAL,
        Handshake.Channel.DATA, Optional.of(INCARNATION))).toCompletableFuture().get(30, TimeUnit.SECONDS);
    peers.replace(Map.of());
    List<WireMessage> answers = Source.single(batch(1, 0, stamped(0, 1, 3, 0))).map(codec::encode)
        .via(link).map(codec::decode).runWith(Sink.seq(), testKit.system())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(answers).singleElement().isInstanceOfSatisfying(BatchRejected.class, rejected -> {
      assertThat(rejected.reason()).isEqualTo(BatchRejected.Reason.UNKNOWN_SITE);
      assertThat(rejected.message()).contains("no longer a peer of " + LOCAL);
    });
    assertThat(store.watermarks(PEER)).as("nothing applied").isEmpty();
  }

  @Test
  void aStaleKeepAliveIsRefusedToo() throws Exception {
    receiverAt(1);
    assertThat(exchange(batch(1, 0, List.of()))).singleElement()
        .isInstanceOfSatisfying(BatchRejected.class, r -> assertThat(r.reason())
            .isEqualTo(BatchRejected.Reason.STALE_EPOCH));
  }

  @Test
  void aBatchAboveThisSitesEpochIsObservedAppliedAndAckedWithTheNewEpoch() throws Exception {
    receiverAt(2);

    List<WireMessage> answers = exchange(batch(1, 5, stamped(0, 1, 4, 5)));

    assertThat(epochs.current()).isEqualTo(5);
    assertThat(answers).singleElement().isInstanceOfSatisfying(BatchAck.class, ack -> {
      assertThat(ack.epoch()).isEqualTo(5);
      assertThat(ack.watermarks()).isEqualTo(Map.of(0, 4L));
    });
    assertThat(heard).containsExactly("applied site-a 4");
  }

  @Test
  void acksCarryThisSitesEpochAndOtherRefusalsKeepTheirReasonAndMessage() throws Exception {
    receiverAt(0);
    List<WireMessage> answers = exchange(batch(1, 0, stamped(0, 1, 2, 0)),
        new ShipBatch(2, "site-c", List.of(), null, 0, 0));
    assertThat(answers).hasSize(2);
    assertThat(((BatchAck) answers.get(0)).epoch()).isZero();
    BatchRejected rejected = (BatchRejected) answers.get(1);
    assertThat(rejected.reason()).isEqualTo(BatchRejected.Reason.WRONG_ORIGIN);
    assertThat(rejected.message()).isEqualTo("batch origin site-c does not match link origin site-a");
  }

  /** An old primary's entries that never replicated: applied by LWW and reported, each with whether it won. */
  @Test
  void entriesOfAnOlderEpochAreAppliedAndReportedWithTheirOutcome() throws Exception {
    receiverAt(4);
    // site-b holds a newer value of the inode that seq 2 of the old primary writes
    JournalEntry old2 = TestEntries.entry(PEER, 0, 2).withEpoch(1);
    store.apply(LOCAL, List.of(JournalEntry.of(LOCAL, 0, 1, old2.hlc() + 1, old2.op(), old2.inodeId(), 1,
        new byte[] {7})));
    List<JournalEntry> mixed = new ArrayList<>(List.of(TestEntries.entry(PEER, 0, 1).withEpoch(1), old2));
    mixed.addAll(stamped(0, 3, 4, 4));

    List<WireMessage> answers = exchange(batch(1, 4, mixed));

    assertThat(answers).singleElement().isInstanceOf(BatchAck.class);
    assertThat(store.watermark(PEER, 0)).isEqualTo(4);
    assertThat(heard).containsExactly("applied site-a 4", "old site-a [1@1, 2@1]<4");
    assertThat(oldOutcomes).containsExactly(ApplyResult.Outcome.WON, ApplyResult.Outcome.LOST);
  }

  @Test
  void batchesWhoseEntriesAreAllOfTheCurrentEpochReportNoOldEntries() throws Exception {
    receiverAt(4);
    exchange(batch(1, 4, stamped(0, 1, 3, 4)));
    assertThat(heard).containsExactly("applied site-a 3");
  }

  /** With no failover every epoch is 0: nothing is old, nothing is stale, nothing is looked at. */
  @Test
  void atEpochZeroNothingIsOldOrStale() throws Exception {
    receiverAt(0);
    exchange(batch(1, 0, stamped(0, 1, 3, 0)), batch(2, 0, List.of()));
    assertThat(heard).allMatch(h -> h.startsWith("applied"));
    assertThat(epochs.current()).isZero();
  }

  @Test
  void aReDeliveredOldEntryIsReportedAsSkipped() throws Exception {
    receiverAt(2);
    List<JournalEntry> old = stamped(0, 1, 2, 1);
    exchange(batch(1, 2, old));
    exchange(batch(1, 2, old));
    assertThat(oldOutcomes).containsExactly(ApplyResult.Outcome.WON, ApplyResult.Outcome.WON,
        ApplyResult.Outcome.SKIPPED, ApplyResult.Outcome.SKIPPED);
  }

}
