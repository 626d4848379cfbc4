package io.cfs.repl.engine.resync;

import io.cfs.repl.engine.membership.PeerSet;import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.receiver.IncarnationGuard;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MarksInstalled;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.OriginMarks;
import io.cfs.repl.persistence.store.RepairResult;
import io.cfs.repl.persistence.store.StoredValue;
import io.cfs.repl.transport.kryo.KryoCodec;
import io.cfs.repl.transport.link.Handshake;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import io.cfs.repl.transport.link.LinkHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of snapshot resyncs: a peer whose journal this site fell behind opens a link on the resync
 * channel and ships its store in chunks. Each chunk is written with {@link MetadataStore#repair} (last-write-wins
 * against what is held, watermarks untouched) and acknowledged once durable; the end's marks are installed with
 * {@link MetadataStore#installMarks}, which raises watermarks and never lowers them (every origin's but this site's
 * own, which only its own journal moves). So a chunk delivered twice, or a run resumed from its last acknowledged
 * chunk, changes nothing the second time.
 *
 * <p>The hello names the sender's journal incarnation, admitted as a data link's is: a snapshot is never installed
 * under another history of that site. An unknown site is refused at the handshake; a malformed, oversized or
 * out-of-order chunk is refused (nothing of it written) and ends the conversation.
 */
public final class SnapshotReceiver implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);

  private final String localSite;
  private final PeerSet peers;
  private final MetadataStore store;
  private final Executor storage;
  private final IncarnationGuard incarnations;
  private final KryoCodec codec;
  private final ResyncSettings settings;
  private final AuditSink audit;

  public SnapshotReceiver(String localSite, PeerSet peers, MetadataStore store, Executor storage,
                          IncarnationGuard incarnations, KryoCodec codec, ResyncSettings settings, AuditSink audit) {
    this.localSite = localSite;
    this.peers = peers;
    this.store = store;
    this.storage = storage;
    this.incarnations = incarnations;
    this.codec = codec;
    this.settings = settings;
    this.audit = audit;
  }

  @Override
  public Flow<ByteString, ByteString, NotUsed> accept(Handshake hello) {
    throw new UnsupportedOperationException("a resync link is accepted by acceptAsync, after its incarnation check");
  }

  @Override
  public CompletionStage<Flow<ByteString, ByteString, NotUsed>> acceptAsync(Handshake hello) {
    String origin = hello.fromSite();
    if (!peers.contains(origin)) {
      return CompletableFuture.failedFuture(new HandshakeRejectedException(
          HandshakeRejectedException.Reason.UNKNOWN_SITE,
          origin + " is not a configured peer of " + localSite + ": it may not resync this site's store"));
    }
    return incarnations.admit(origin, hello.incarnation().orElseThrow()).thenApply(admitted -> {
      log.info("[{}<-{}] snapshot resync link opened", localSite, origin);
      return conversation(origin);
    });
  }

  private Flow<ByteString, ByteString, NotUsed> conversation(String origin) {
    Conversation c = new Conversation(origin);
    return Flow.<ByteString>create()
        .mapAsync(1, c::handle)
        // a refusal is the last word: nothing after it is written
        .takeWhile(reply -> !(reply instanceof ResyncMessage.Refused), true)
        .map(codec::encodeToByteString);
  }

  /** One connection: chunks must follow each other in inode order. */
  private final class Conversation {
    private final String origin;
    private boolean any;
    private long lastInodeId;

    Conversation(String origin) {
      this.origin = origin;
    }

    CompletionStage<ResyncMessage> handle(ByteString frame) {
      ResyncMessage message;
      try {
        message = codec.decode(frame, ResyncMessage.class);
      } catch (RuntimeException e) {
        return refuse(0, "undecodable frame: " + e.getMessage());
      }
      if (!peers.contains(origin)) {
        return refuse(0, origin + " is no longer a peer of " + localSite + " (removed by a reload of its peers)");
      }
      if (message instanceof ResyncMessage.Chunk chunk) return chunk(chunk);
      if (message instanceof ResyncMessage.End end) return end(end);
      return refuse(0, "expected a snapshot chunk or end, got " + message.getClass().getSimpleName());
    }

    private CompletionStage<ResyncMessage> chunk(ResyncMessage.Chunk chunk) {
      String invalid = invalid(chunk);
      if (invalid != null) return refuse(chunk.resyncId(), invalid);
      StoredValue last = chunk.values().get(chunk.values().size() - 1);
      any = true;
      lastInodeId = last.inodeId();
      long bytes = chunk.values().stream().mapToLong(v -> v.payload().length).sum();
      return CompletableFuture.supplyAsync(() -> store.repair(chunk.values(), Durability.SYNC), storage)
          .thenApply((RepairResult result) -> new ResyncMessage.Ack(chunk.resyncId(), last.inodeId(),
              chunk.values().size(), bytes, result.written().size(), false, Map.of()));
    }

    /** Why the chunk is refused, or null. */
    private String invalid(ResyncMessage.Chunk chunk) {
      if (chunk.values().isEmpty()) return "an empty snapshot chunk";
      if (chunk.values().size() > settings.chunkMaxValues()) {
        return "a snapshot chunk of " + chunk.values().size() + " values exceeds chunk-max-values "
            + settings.chunkMaxValues();
      }
      long previous = lastInodeId;
      boolean seen = any;
      for (StoredValue v : chunk.values()) {
        if (seen && Long.compareUnsigned(v.inodeId(), previous) <= 0) {
          return "snapshot values out of inode order: " + Long.toUnsignedString(v.inodeId()) + " after "
              + Long.toUnsignedString(previous);
        }
        seen = true;
        previous = v.inodeId();
      }
      return null;
    }

    private CompletionStage<ResyncMessage> end(ResyncMessage.End end) {
      return CompletableFuture.supplyAsync(() -> installMarks(end.marks()), storage)
          .thenApply((MarksInstalled installed) -> {
            String detail = "installed the snapshot of " + origin + " (resync " + end.resyncId() + "): watermarks"
                + " raised for " + installed.raised().keySet()
                + (installed.skipped().isEmpty() ? "" : ", origins skipped: " + installed.skipped());
            log.info("[{}<-{}] {}", localSite, origin, detail);
            audit.record(AuditRecord.of(AuditKind.RESYNC_INSTALLED, System.currentTimeMillis(), localSite, detail)
                .withPeer(origin).withAttribute("resyncId", Long.toString(end.resyncId())));
            installed.skipped().forEach((site, why) -> log.warn("[{}<-{}] snapshot marks of origin {} not installed:"
                + " {}", localSite, origin, site, why));
            return new ResyncMessage.Ack(end.resyncId(), 0, 0, 0, 0, true, installed.skipped());
          });
    }

    /**
     * Installs every origin's marks but this site's own: its own watermarks say how far its local apply has applied its
     * own journal, and only that journal moves them. The peer's marks of this site may be of an older history (this
     * site lost its data dir) or ahead of the local apply; installed, they would make the local apply skip this
     * site's new entries as already applied. The values of its old history came with the chunks all the same.
     */
    private MarksInstalled installMarks(Map<String, OriginMarks> marks) {
      Map<String, OriginMarks> others = new HashMap<>(marks);
      if (others.remove(localSite) == null) return store.installMarks(others, Durability.SYNC);
      MarksInstalled installed = store.installMarks(others, Durability.SYNC);
      Map<String, String> skipped = new HashMap<>(installed.skipped());
      skipped.put(localSite, "this site's own origin: only its own journal moves its watermarks");
      return new MarksInstalled(installed.raised(), skipped);
    }

    private CompletionStage<ResyncMessage> refuse(long resyncId, String reason) {
      log.error("[{}<-{}] snapshot resync refused: {}", localSite, origin, reason);
      return CompletableFuture.completedFuture(new ResyncMessage.Refused(resyncId, reason));
    }
  }
}
