package io.cfs.repl.engine.receiver;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.IncarnationCheck;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.transport.link.HandshakeRejectedException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, as a peer's data link opens, whether the journal incarnation it names may be applied here: the store's
 * {@link MetadataStore#adoptIncarnation} on the storage executor. A refusal fails the stage with {@link
 * HandshakeRejectedException} ({@code INCARNATION_MISMATCH}, naming both ids and the site), so the sender sees it
 * as its link's last error and keeps backing off; nothing of the new history is applied.
 *
 * <p>A refused sender reconnects on every backoff: the first refusal of an offered incarnation is logged WARN and
 * audited ({@link AuditKind#INCARNATION_REFUSED}), the repeats are logged INFO (each is counted by the link metrics).
 */
public final class IncarnationGuard {
  private static final Logger log = LoggerFactory.getLogger(IncarnationGuard.class);

  private final String localSite;
  private final MetadataStore store;
  private final Executor storage;
  private final AuditSink audit;
  private final Set<String> refusedBefore = ConcurrentHashMap.newKeySet();

  public IncarnationGuard(String localSite, MetadataStore store, Executor storage, AuditSink audit) {
    this.localSite = localSite;
    this.store = store;
    this.storage = storage;
    this.audit = audit;
  }

  /** Completes once {@code offered} is the incarnation of {@code origin} held here; fails if it is refused. */
  public CompletionStage<Void> admit(String origin, UUID offered) {
    return CompletableFuture.supplyAsync(() -> store.adoptIncarnation(origin, offered), storage)
        .thenApply(check -> {
          if (check instanceof IncarnationCheck.Refused refused) throw refuse(origin, refused);
          IncarnationCheck.Adopted adopted = (IncarnationCheck.Adopted) check;
          adopted.replaced().ifPresent(old -> log.info("[{}<-{}] incarnation {} adopted in place of {}, of which"
              + " nothing was applied", localSite, origin, offered, old));
          return null;
        });
  }

  private HandshakeRejectedException refuse(String origin, IncarnationCheck.Refused refused) {
    String detail = localSite + " applied entries of incarnation " + refused.held() + " of site " + origin
        + " (" + applied(refused.heldWatermarks()) + "); " + origin
        + " now offers incarnation " + refused.offered() + ", whose seqs start over with other content. The two"
        + " histories are not mixed: restore " + origin + "'s data dir from a backup, or run"
        + " `cfs admin replication forget-incarnation --peer " + origin + " --incarnation " + refused.held()
        + "` on " + localSite;
    if (refusedBefore.add(origin + "/" + refused.offered())) {
      log.warn("[{}<-{}] data link refused: {}", localSite, origin, detail);
      audit.record(AuditRecord.of(AuditKind.INCARNATION_REFUSED, System.currentTimeMillis(), localSite, detail)
          .withPeer(origin)
          .withAttribute("held", refused.held().toString())
          .withAttribute("offered", refused.offered().toString()));
    } else {
      log.info("[{}<-{}] data link refused again: incarnation {} offered, {} held", localSite, origin,
          refused.offered(), refused.held());
    }
    return new HandshakeRejectedException(HandshakeRejectedException.Reason.INCARNATION_MISMATCH, detail);
  }

  private static String applied(Map<Integer, Long> watermarks) {
    long entries = watermarks.values().stream().mapToLong(Long::longValue).sum();
    return entries + " entries over " + watermarks.size() + " shards";
  }

  /** The record of a refusal's audit is per offered incarnation: after a forget, a new refusal is news again. */
  public void forgotten(String origin) {
    refusedBefore.removeIf(key -> key.startsWith(origin + "/"));
  }
}
