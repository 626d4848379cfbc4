package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.protocol.BatchAck;
import io.cfs.repl.engine.protocol.BatchRejected;
import io.cfs.repl.engine.protocol.ShipBatch;
import io.cfs.repl.engine.protocol.WireMessage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.transport.link.LinkSession;
import io.cfs.repl.transport.link.SiteLinkClient;
import io.cfs.repl.transport.tls.LinkSecurity;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

/**
 * One connection's worth of shipping: journal tail from the cursors -> ShipBatch -> Kryo -> TCP -> acks, merged
 * until the replicator's next cursor event, -> replicator. Backpressure runs end to end: the tail reads only on
 * demand (one batch read ahead, whose wait for demand is the backpressure metric), TCP demand follows the peer's
 * apply, and one cursor persist at most is in flight, each a persist interval after the last. The replicator
 * restarts it (with backoff) from the persisted cursors when it ends; the receiver's watermarks make re-sent
 * batches harmless.
 *
 * <p>The throttle paces the frames on the wire, below the encoder: a throttled link backpressures the tail (its wait
 * shows as backpressure, its lag grows) and never fails for it.
 *
 * <p>Every batch, keep-alives included, carries the site's current epoch; a higher epoch the peer shows in an ack or
 * in a {@link BatchRejected.Reason#STALE_EPOCH} refusal is reported to the site's epoch view. Every batch also carries
 * this site's stable seqs as this node's journal GC last published them, for the peer's tombstone collection.
 */
final class LinkStream {

  record Running(UniqueKillSwitch killSwitch, CompletionStage<LinkSession> session, CompletionStage<Done> done) {
  }

  private static final long MIN_THROTTLED_BATCH_BYTES = 4096;

  private LinkStream() {
  }

  static Running start(ActorSystem<?> system, ReplicatorWiring w, InetSocketAddress address,
                       Map<Integer, Long> positions, PeerAcks acked, WireThrottle throttle,
                       ActorRef<SiteReplicator.Command> replicator) {
    ReplicatorSettings s = w.settings();
    InFlightBatches inFlight = new InFlightBatches();
    long era = acked.era();
    Pair<Pair<UniqueKillSwitch, CompletionStage<LinkSession>>, CompletionStage<Done>> m =
        w.journal().tail(positions, s.batchMaxEntries(), () -> batchMaxBytes(s, throttle.bytesPerSecond()),
                system.dispatchers().lookup(DispatcherSelector.fromConfig(s.readDispatcher())))
            .via(new DemandWait<>(waitNanos -> w.metrics().onBackpressure(w.peer(), waitNanos)))
            // an empty batch on a quiet link keeps both ends inside the transport's idle timeout
            .keepAlive(w.linkSettings().idleTimeout().dividedBy(3), List::<JournalEntry>of)
            .viaMat(KillSwitches.single(), Keep.right())
            .zipWithIndex()
            .map(p -> ship(w, inFlight, p.second(), p.first()))
            .viaMat(SiteLinkClient.connect(system, w.linkSettings(), w.security(), w.localSite(), w.peer(), address,
                w.linkMetrics(), w.journal().incarnation(), throttle), Keep.both())
            // Our own keep-alives count as traffic for the transport's idle check, so a silent peer (frozen,
            // blackholed) is noticed here: a live peer acks at least every keep-alive interval.
            .idleTimeout(w.linkSettings().idleTimeout())
            .map(bytes -> received(w, inFlight, acked, era, w.codec().decode(bytes)))
            // The link ends with its connection; the cursor events below finish on their own (the last waits out
            // its interval), and one that fails (the replicator did not answer) fails the link through here.
            .watchTermination(Keep.both())
            .via(cursorEvents(system, replicator, s.cursorPersistInterval(), s.ackTimeout()))
            .to(Sink.ignore())
            .run(system);
    m.second().whenComplete((done, failure) -> inFlight.abandon(failure == null ? "link closed" : failure.toString()));
    return new Running(m.first().first(), m.first().second(), m.second());
  }

  /**
   * Acks into cursor events: one at a time, the next {@code interval} after this one is written; acks arriving
   * meanwhile are merged, so an event carries every ack received up to its start. (A throttle instead of the wait
   * would hold one summary through the interval while newer acks merged behind it: events a whole interval stale.)
   */
  static Flow<AckSummary, Done, NotUsed> cursorEvents(ActorSystem<?> system,
                                                     ActorRef<SiteReplicator.Command> replicator, Duration interval,
                                                     Duration timeout) {
    return Flow.<AckSummary>create()
        .conflate(AckSummary::merge)
        .mapAsync(1, acks -> AskPattern.<SiteReplicator.Command, Done>ask(replicator,
                replyTo -> new SiteReplicator.RecordAcks(acks, replyTo), timeout, system.scheduler())
            .thenCompose(done -> Patterns.after(interval, system, () -> CompletableFuture.completedFuture(done))));
  }

  /**
   * A throttled link ships batches of at most two seconds of its rate: a 4 MiB batch behind a few KiB/s would hold
   * every later frame (keep-alives included) back for longer than the idle timeout, and the link would fail as idle
   * over and over; and smaller frames keep the pace on the wire even and the acks coming. Not much smaller, though:
   * every batch costs the peer an atomic write, so a link of many tiny batches is held by the peer's apply, below
   * its throttle. The estimate is of uncompressed entries, so the frame on the wire is no larger (entries that
   * compress well make it a fraction of that). The tail asks before each read, so a rate changed while the link runs
   * sizes the next batch read (a larger one already read only leaves a debt that spaces out the frames after it).
   */
  static long batchMaxBytes(ReplicatorSettings s, long throttle) {
    if (throttle == WireThrottle.UNLIMITED) return s.batchMaxBytes();
    return Math.min(s.batchMaxBytes(), Math.max(MIN_THROTTLED_BATCH_BYTES, 2 * throttle));
  }

  /** Encodes a batch; a non-empty one starts its span (whose context rides in the frame) and is tracked to its ack. */
  private static ByteString ship(ReplicatorWiring w, InFlightBatches inFlight, long batchId,
                                 List<JournalEntry> entries) {
    if (entries.isEmpty()) {
      // keep-alive; its ack still carries the round trip, so an idle link keeps measuring clock skew
      return w.codec().encode(new ShipBatch(batchId, w.localSite(), entries, null, Clocks.epochMillis(),
          w.epochs().current(), w.stable().own()));
    }
    w.ages().record(EntryStage.SHIPPED, w.peer(), entries);
    BatchTracer.BatchSpan span = w.tracer().startShip(w.peer(), batchId, entries.size());
    ByteString bytes = w.codec().encode(new ShipBatch(batchId, w.localSite(), entries, span.traceParent(),
        Clocks.epochMillis(), w.epochs().current(), w.stable().own()));
    w.metrics().onBatchShipped(w.peer(), entries.size(), bytes.size());
    inFlight.shipped(batchId, System.nanoTime(), bytes.size(), span);
    return bytes;
  }

  private static AckSummary received(ReplicatorWiring w, InFlightBatches inFlight, PeerAcks acked, long era,
                                     WireMessage message) {
    if (message instanceof BatchAck ack) {
      InFlightBatches.Acked covered = inFlight.acked(ack.batchId(), System.nanoTime());
      if (covered.latencyNanos() >= 0) {
        w.metrics().onBatchAcked(w.peer(), ack.applied() + ack.skipped(), covered.latencyNanos());
      }
      acked.received(era, ack.watermarks(), ack.applied() + ack.skipped(), covered.bytes());
      w.peerShowed(ack.epoch());
    } else if (message instanceof BatchRejected rejected && rejected.reason() == BatchRejected.Reason.STALE_EPOCH) {
      w.peerShowed(rejected.epoch()); // before the refusal ends the stream: the next connection ships in that epoch
    }
    return AckSummary.of(message, Clocks.epochMillis());
  }
}
