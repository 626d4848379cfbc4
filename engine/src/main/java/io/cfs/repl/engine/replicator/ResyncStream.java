package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.resync.ResyncMessage;
import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.persistence.store.StoreSnapshot;
import io.cfs.repl.persistence.store.StoredValue;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.LinkSession;
import io.cfs.repl.transport.link.SiteLinkClient;
import io.cfs.repl.transport.throttle.WireThrottle;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorFlow;

/**
 * One connection's worth of a snapshot resync: a view of this site's store -> chunks -> Kryo -> TCP on the resync
 * channel -> acks -> replicator, which persists each as the run's progress. Backpressure runs end to end: the next
 * chunk is read from the view only when the connection asks for it, and the peer reads a chunk only once the one
 * before is durable.
 *
 * <p>A run starts, once the peer answered the handshake, by opening a view and persisting its marks (the replicator's {@link SiteReplicator.OpenRun}); a run
 * resumed after a cut opens a newer view, reads after the last inode the peer acknowledged, and keeps the marks of
 * its start, which the newer view covers (a store only moves forward by last-write-wins), so the peer claims no more
 * than it holds. After the last chunk the run's marks go, and the stream waits for their ack: the replicator ends it.
 */
final class ResyncStream {

  private ResyncStream() {
  }

  static LinkStream.Running start(ActorSystem<?> system, ReplicatorWiring w, InetSocketAddress address,
                                  Resync.Run resumed, WireThrottle throttle,
                                  ActorRef<SiteReplicator.Command> replicator) {
    ReplicatorSettings s = w.settings();
    Executor reads = system.dispatchers().lookup(DispatcherSelector.fromConfig(s.readDispatcher()));
    KryoCodec kryo = w.codec().kryo();
    // the view is opened (and a new run persisted) only once the peer has answered the handshake: a run never starts
    // for a peer that is not there, so its marks never hold the journal back for nothing
    CompletableFuture<LinkSession> connected = new CompletableFuture<>();
    var m = Source.completionStageSource(connected.thenApply(session ->
            Source.<ResyncMessage, Reader>unfoldResourceAsync(
                () -> open(system, w, reads, resumed, replicator, throttle),
                reader -> reader.next(reads),
                reader -> reader.close(reads))))
        // after the end, wait for its ack: completing would close the connection before the peer answers
        .concat(Source.never())
        .viaMat(KillSwitches.single(), Keep.right())
        .map(kryo::encodeToByteString)
        .viaMat(SiteLinkClient.connect(system, w.linkSettings(), w.security(), w.localSite(), w.peer(), address,
            w.linkMetrics(), Handshake.Channel.RESYNC, w.journal().incarnation(), throttle), Keep.both())
        .idleTimeout(w.linkSettings().idleTimeout())
        .map(bytes -> acked(kryo.decode(bytes, ResyncMessage.class)))
        .via(ActorFlow.<ResyncMessage.Ack, SiteReplicator.Command, Done>ask(1, replicator, s.ackTimeout(),
            SiteReplicator.RecordResync::new))
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    m.first().second().whenComplete((session, failure) -> {
      if (failure != null) connected.completeExceptionally(failure);
      else connected.complete(session);
    });
    m.second().whenComplete((done, failure) -> connected.cancel(false));
    return new LinkStream.Running(m.first().first(), m.first().second(), m.second());
  }

  /** An ack goes on to the replicator; a refusal ends the connection with the peer's reason. */
  private static ResyncMessage.Ack acked(ResyncMessage message) {
    if (message instanceof ResyncMessage.Ack ack) return ack;
    if (message instanceof ResyncMessage.Refused refused) {
      throw new ResyncRefusedException("the peer refused the snapshot: " + refused.reason());
    }
    throw new ResyncRefusedException("expected a snapshot ack, got " + message.getClass().getSimpleName());
  }

  /** Opens a view on the storage executor; a new run persists the view's marks before the first chunk is read. */
  private static CompletionStage<Reader> open(ActorSystem<?> system, ReplicatorWiring w, Executor reads,
                                              Resync.Run resumed, ActorRef<SiteReplicator.Command> replicator,
                                              WireThrottle throttle) {
    if (w.store() == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("this replicator has no store to snapshot"));
    }
    return CompletableFuture.supplyAsync(() -> w.store().openSnapshot(), reads).thenCompose(view -> {
      if (resumed != null) return CompletableFuture.completedFuture(new Reader(w, view, resumed, throttle));
      Map<String, OriginMarks> marks = new HashMap<>(view.marks());
      // the peer's marks of itself are its own journal's business (its receiver would skip them anyway)
      marks.remove(w.peer());
      // the local apply's watermarks of this site's own journal are of the journal's incarnation
      OriginMarks own = marks.get(w.localSite());
      marks.put(w.localSite(), new OriginMarks(Optional.of(w.journal().incarnation()),
          own == null ? Map.of() : own.watermarks()));
      CompletionStage<Resync.Run> run = AskPattern.ask(replicator,
          replyTo -> new SiteReplicator.OpenRun(marks, replyTo), w.settings().ackTimeout(), system.scheduler());
      return run.handle((started, failure) -> {
        if (failure != null) {
          view.close();
          throw new IllegalStateException("the resync run could not be persisted: " + failure, failure);
        }
        return new Reader(w, view, started, throttle);
      });
    });
  }

  /** Reads the view chunk by chunk after the run's last acknowledged inode, then gives the run's end once. */
  private static final class Reader {
    private final ReplicatorWiring w;
    private final StoreSnapshot view;
    private final Resync.Run run;
    private final WireThrottle throttle;
    private OptionalLong after;
    private boolean ended;

    Reader(ReplicatorWiring w, StoreSnapshot view, Resync.Run run, WireThrottle throttle) {
      this.w = w;
      this.throttle = throttle;
      this.view = view;
      this.run = run;
      this.after = run.anyAcked() ? OptionalLong.of(run.lastInodeId()) : OptionalLong.empty();
    }

    CompletionStage<Optional<ResyncMessage>> next(Executor reads) {
      if (ended) return CompletableFuture.completedFuture(Optional.empty());
      return CompletableFuture.supplyAsync(() -> {
        List<StoredValue> values = view.next(after, w.resync().chunkMaxValues(), chunkMaxBytes());
        if (values.isEmpty()) {
          ended = true;
          return Optional.of(new ResyncMessage.End(run.id(), run.marks()));
        }
        after = OptionalLong.of(values.get(values.size() - 1).inodeId());
        return Optional.of(new ResyncMessage.Chunk(run.id(), values));
      }, reads);
    }

    /**
     * A throttled link ships chunks of at most two seconds of its rate: an ack comes per chunk, and a chunk that took
     * longer than the link's idle timeout on the wire would fail the connection and be shipped again, forever. The
     * throttle is asked before each read, so a rate changed meanwhile sizes the next chunk.
     */
    private long chunkMaxBytes() {
      long rate = throttle.bytesPerSecond();
      if (rate == WireThrottle.UNLIMITED) return w.resync().chunkMaxBytes();
      return Math.min(w.resync().chunkMaxBytes(), Math.max(4096, 2 * rate));
    }

    CompletionStage<Done> close(Executor reads) {
      return CompletableFuture.supplyAsync(() -> {
        view.close();
        return Done.getInstance();
      }, reads);
    }
  }
}
