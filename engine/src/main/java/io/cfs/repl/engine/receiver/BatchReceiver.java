package io.cfs.repl.engine.receiver;

import io.cfs.repl.engine.apply.Applier;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.epoch.EpochView;
import io.cfs.repl.engine.gc.StableSeqs;
import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.protocol.BatchAck;
import io.cfs.repl.engine.protocol.BatchRejected.Reason;
import io.cfs.repl.engine.protocol.BatchRejected;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.engine.protocol.WireCodec;
import io.cfs.repl.engine.protocol.WireMessage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of every peer's link: checks each batch (known origin, origin matches the handshake, size, epoch),
 * applies it to the metadata store in one atomic write off the actor threads, makes it durable with the store's sync,
 * and then acknowledges with the applied watermarks. An applied batch is visible to reads here before its sync, as a
 * subscriber's apply is in PostgreSQL's logical replication; its ack, which lets the origin forget it, waits for the
 * fsync. Sequence gaps are found by the store per shard and reported in the ack; a refused batch is answered
 * with {@link BatchRejected} and the connection ends. Each applied batch gets an apply span, a child of the
 * sender's span carried in the batch, so one trace covers both sites.
 *
 * <p>Epochs: a batch carrying an epoch below this site's current one is refused whole ({@link
 * BatchRejected.Reason#STALE_EPOCH}, reported to {@link ApplyListener#onStaleEpoch}); one carrying a higher epoch is
 * reported to the {@link EpochView} and applied. Acks and refusals carry this site's epoch. Entries stamped with an
 * epoch below this site's are applied with last-write-wins like any other and then reported to
 * {@link ApplyListener#onOldEpochEntries}; finding them costs one comparison per entry, and nothing while this site is
 * at epoch 0 (no failover).
 */
public final class BatchReceiver implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(BatchReceiver.class);

  private final String localSite;
  private final PeerSet knownPeers;
  private final WireCodec codec;
  private final ReceiverSettings settings;
  private final Applier applier;
  private final ApplyListener listener;
  private final ReplicationMetrics metrics;
  private final BatchTracer tracer;
  private final EpochView epochs;
  private final IncarnationGuard incarnations;
  private final StableSeqs stable;
  private final EntryAges ages;

  /**
   * {@code listener} and {@code metrics} hear of refused batches, {@code listener} of old-epoch entries too; applied
   * batches are reported by the applier. {@code epochs} is this site's epoch. {@code stable} hears the stable seqs each
   * applied batch carried, for the node's tombstone collection. {@code ages} hears of every batch decoded that may be
   * applied.
   */
  public BatchReceiver(String localSite, PeerSet knownPeers, Applier applier, WireCodec codec,
                       ReceiverSettings settings, ApplyListener listener, ReplicationMetrics metrics,
                       BatchTracer tracer, EpochView epochs, IncarnationGuard incarnations, StableSeqs stable,
                       EntryAges ages) {
    this.stable = stable;
    this.ages = ages;
    this.epochs = epochs;
    this.incarnations = incarnations;
    this.localSite = localSite;
    this.knownPeers = knownPeers;
    this.applier = applier;
    this.codec = codec;
    this.settings = settings;
    this.listener = listener;
    this.metrics = metrics;
    this.tracer = tracer;
  }

  /** Not the server's way in: a link is accepted on the store's answer, which {@link #acceptAsync} waits for. */
  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    throw new UnsupportedOperationException("a data link is accepted by acceptAsync, after its incarnation check");
  }

  /**
   * Accepts a known peer's link once the journal incarnation its hello names is the one its watermarks here belong
   * to, or was adopted ({@link IncarnationGuard}); refuses an unknown site, a hello naming no incarnation and an
   * incarnation mismatch.
   */
  @Override
  public CompletionStage<Flow<ByteString, ByteString, NotUsed>> acceptAsync(Handshake hello) {
    if (!knownPeers.contains(hello.fromSite())) {
      return CompletableFuture.failedFuture(new HandshakeRejectedException(
          HandshakeRejectedException.Reason.UNKNOWN_SITE,
          "site " + hello.fromSite() + " is not a configured peer of " + localSite));
    }
    if (hello.incarnation().isEmpty()) {
      return CompletableFuture.failedFuture(new HandshakeRejectedException(
          HandshakeRejectedException.Reason.MALFORMED, "a data hello of protocol v" + hello.protocolVersion()
          + " must name the sender's journal incarnation"));
    }
    String origin = hello.fromSite();
    return incarnations.admit(origin, hello.incarnation().get()).thenApply(admitted -> conversation(origin));
  }

  private Flow<ByteString, ByteString, NotUsed> conversation(String origin) {
    // Batches that queue up while one is being applied are merged into the next apply: one atomic write for all of
    // them, so small batches on a busy link do not cost a write each. The merge is bounded apart from the largest
    // batch accepted: what waits here is decoded entries on the heap (the merge filling, one batch held back that did
    // not fit, the apply in flight, the applied merges waiting for a sync and the one being synced), and a peer behind
    // held two merges of 20,000 when the bound was max-batch-entries, copied by every young collection.
    return Flow.<ByteString>create()
        .map(frame -> check(origin, frame))
        .batchWeighted(settings.applyMergeMaxEntries(), Pending::weight, Pending::of, Pending::add)
        // nothing after a refused frame is applied, even if it arrived while the refusal was on its way out
        .takeWhile(pending -> pending.rejected() == null, true)
        .mapAsync(1, pending -> pending.batches().isEmpty()
            ? CompletableFuture.completedFuture(new Applied(pending, null, List.of(), List.of(), 0))
            : apply(origin, pending))
        // Applies that end while a sync runs wait for the next sync together: one fsync for all of them, while the
        // apply after them goes on. Bounded like the merge, so what waits for a sync is at most a merge's entries.
        .batchWeighted(settings.applyMergeMaxEntries(), Applied::weight, BatchReceiver::group, BatchReceiver::group)
        .mapAsync(1, group -> durable(origin, group))
        .mapConcat(replies -> replies)
        .takeWhile(reply -> !(reply instanceof BatchRejected), true)
        .map(codec::encode);
  }

  /** A decoded frame: a batch fit to apply, or the reason it is refused. */
  private record Checked(ShipBatch batch, BatchRejected rejected, long receivedAtMillis) {
  }

  /**
   * Checked frames merged while the previous apply ran. Once a frame is refused nothing after it is applied: the
   * batches before it are applied and acknowledged, then the refusal is sent and the connection ends.
   */
  private record Pending(List<ShipBatch> batches, BatchRejected rejected, long lastReceivedAtMillis) {
    static Pending of(Checked c) {
      return new Pending(c.batch() == null ? List.of() : List.of(c.batch()), c.rejected(), c.receivedAtMillis());
    }

    static long weight(Checked c) {
      return c.batch() == null ? 0 : c.batch().entries().size();
    }

    Pending add(Checked c) {
      if (rejected != null) return this;
      List<ShipBatch> all = new ArrayList<>(batches);
      if (c.batch() == null) return new Pending(all, c.rejected(), lastReceivedAtMillis);
      all.add(c.batch());
      return new Pending(all, c.rejected(), c.receivedAtMillis());
    }

    /** Round-trip timestamps of the last batch, the one the ack names. */
    BatchAck.Timestamps clock() {
      return new BatchAck.Timestamps(batches.get(batches.size() - 1).sentAtMillis(), lastReceivedAtMillis,
          Clocks.epochMillis());
    }

    List<JournalEntry> entries() {
      if (batches.size() == 1) return batches.get(0).entries();
      int count = 0;
      for (ShipBatch b : batches) count += b.entries().size();
      List<JournalEntry> all = new ArrayList<>(count);
      batches.forEach(b -> all.addAll(b.entries()));
      return all;
    }

    long lastBatchId() {
      return batches.get(batches.size() - 1).batchId();
    }

    /** Adds the merge's ack ({@code null}: nothing applied) and its refusal, if any, to {@code into}. */
    void addReplies(WireMessage ack, List<WireMessage> into) {
      if (ack != null) into.add(ack);
      if (rejected != null) into.add(rejected);
    }
  }

  private Checked check(String origin, ByteString frame) {
    ShipBatch batch;
    try {
      WireMessage message = codec.decode(frame);
      if (!(message instanceof ShipBatch b)) {
        return reject(origin, -1, Reason.MALFORMED, "expected a ShipBatch, got " + message.getClass().getSimpleName());
      }
      batch = b;
    } catch (RuntimeException e) {
      return reject(origin, -1, Reason.MALFORMED, "undecodable frame: " + e.getMessage());
    }
    Checked refused = check(origin, batch);
    if (refused != null) return refused;
    ages.record(EntryStage.RECEIVED, origin, batch.entries());
    return new Checked(batch, null, Clocks.epochMillis());
  }

  /** The refusal of a decoded batch, or null if it may be applied. */
  private Checked check(String origin, ShipBatch batch) {
    if (!knownPeers.contains(origin)) {
      // its link opened before a reload removed it: nothing more of it is applied here
      return reject(origin, batch.batchId(), Reason.UNKNOWN_SITE, origin + " is no longer a peer of " + localSite
          + " (removed by a reload of its peers)");
    }
    if (!origin.equals(batch.originSite())) {
      return reject(origin, batch.batchId(), Reason.WRONG_ORIGIN,
          "batch origin " + batch.originSite() + " does not match link origin " + origin);
    }
    if (batch.entries().size() > settings.maxBatchEntries()) {
      return reject(origin, batch.batchId(), Reason.TOO_LARGE, "batch of " + batch.entries().size()
          + " entries exceeds max-batch-entries " + settings.maxBatchEntries());
    }
    for (JournalEntry e : batch.entries()) {
      if (!origin.equals(e.originSite())) {
        return reject(origin, batch.batchId(), Reason.WRONG_ORIGIN, "entry of origin " + e.originSite()
            + " in a batch from " + origin + " (shard " + e.shard() + ", seq " + e.seq() + ")");
      }
    }
    long local = epochs.current();
    if (batch.epoch() < local) {
      Checked refused = reject(origin, batch.batchId(), Reason.STALE_EPOCH, "batch epoch " + batch.epoch()
          + " is below " + localSite + "'s epoch " + local + ": " + origin + " has not learned of the newer epoch");
      listener.onStaleEpoch(origin, batch.epoch(), local);
      return refused;
    }
    if (batch.epoch() > local) {
      log.info("[{}<-{}] batch #{} carries epoch {}, above this site's {}", localSite, origin, batch.batchId(),
          batch.epoch(), local);
      epochs.observe(origin, batch.epoch());
    }
    return null;
  }

  /**
   * A merge applied (visible here, not yet durable), with the spans to end once it is durable and this site's epoch
   * when it was applied (what its entries are old against); no result if nothing was applied.
   */
  private record Applied(Pending pending, ApplyResult result, List<JournalEntry> entries,
                         List<BatchTracer.BatchSpan> spans, long epoch) {
    long weight() {
      return Math.max(1, entries.size());
    }
  }

  private static List<Applied> group(Applied first) {
    List<Applied> group = new ArrayList<>(4);
    group.add(first);
    return group;
  }

  private static List<Applied> group(List<Applied> group, Applied next) {
    group.add(next);
    return group;
  }

  private CompletionStage<Applied> apply(String origin, Pending pending) {
    List<BatchTracer.BatchSpan> spans = new ArrayList<>(pending.batches().size());
    for (ShipBatch batch : pending.batches()) {
      if (!batch.entries().isEmpty()) {
        spans.add(tracer.startApply(origin, batch.traceParent(), batch.entries().size()));
      }
    }
    List<JournalEntry> entries = pending.entries();
    return applier.apply(origin, entries, Durability.LATER, null).handle((result, failure) -> {
      if (failure != null) {
        spans.forEach(span -> span.fail(failure.toString()));
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
      }
      for (Gap gap : result.gaps()) {
        log.error("[{}<-{}] sequence gap on shard {}: expected seq {}, received {}; shard refused", localSite,
            origin, gap.shard(), gap.expectedSeq(), gap.receivedSeq());
      }
      return new Applied(pending, result, entries, spans, epochs.current());
    });
  }

  /** One store sync for the group's applied entries (none if it holds none), then each merge's replies in order. */
  private CompletionStage<List<WireMessage>> durable(String origin, List<Applied> group) {
    List<List<JournalEntry>> batches = new ArrayList<>(group.size());
    for (Applied a : group) {
      if (!a.entries().isEmpty()) batches.add(a.entries());
    }
    CompletionStage<Void> synced = batches.isEmpty() ? CompletableFuture.completedFuture(null)
        : applier.sync(origin, batches);
    return synced.handle((done, failure) -> {
      if (failure != null) {
        group.forEach(a -> a.spans().forEach(span -> span.fail(failure.toString())));
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
      }
      List<WireMessage> replies = new ArrayList<>(group.size() + 1);
      for (Applied a : group) a.pending().addReplies(a.result() == null ? null : ack(origin, a), replies);
      return replies;
    });
  }

  private BatchAck ack(String origin, Applied applied) {
    Pending pending = applied.pending();
    ApplyResult result = applied.result();
    applied.spans().forEach(BatchTracer.BatchSpan::finish);
    // the newest word of the origin (a batch queued behind it would be the next apply's)
    stable.heard(origin, pending.batches().get(pending.batches().size() - 1).stable());
    reportOldEpochEntries(origin, applied.entries(), applied.epoch(), result);
    return new BatchAck(pending.lastBatchId(), result.watermarks(), result.gaps(), result.applied(),
        result.skipped(), pending.clock(), epochs.current());
  }

  /** Entries stamped before this site's epoch go to the listener; at epoch 0 none can be, so none is looked at. */
  private void reportOldEpochEntries(String origin, List<JournalEntry> entries, long local, ApplyResult result) {
    if (local == 0) return;
    List<JournalEntry> old = null;
    for (JournalEntry e : entries) {
      if (e.epoch() < local) {
        if (old == null) old = new ArrayList<>();
        old.add(e);
      }
    }
    if (old != null) {
      log.info("[{}<-{}] {} entries of epochs below {} applied by last-write-wins", localSite, origin, old.size(),
          local);
      listener.onOldEpochEntries(origin, old, local, result);
    }
  }

  private Checked reject(String origin, long batchId, Reason reason, String message) {
    if (reason == Reason.STALE_EPOCH) {
      log.warn("[{}<-{}] batch #{} rejected: {}", localSite, origin, batchId, message);
    } else {
      log.error("[{}<-{}] batch #{} rejected: {}", localSite, origin, batchId, message);
    }
    listener.onBatchRejected(origin, message);
    metrics.onBatchRejected(origin, message);
    return new Checked(null, new BatchRejected(batchId, reason, message, epochs.current()),
        Clocks.epochMillis());
  }
}
