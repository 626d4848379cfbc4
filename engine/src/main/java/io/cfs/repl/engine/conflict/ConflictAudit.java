package io.cfs.repl.engine.conflict;

import io.cfs.repl.engine.audit.AuditSettings;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.AuditPage;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.WriteConflict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site singleton that copies the store's write conflicts into the site's audit trail, where operators query them
 * with the other events ({@code GET /replication/audit?kind=conflict}, {@code cfs admin replication audit --filter
 * conflict}). The store holds the record of truth, written atomically with each apply; this copy follows it within
 * {@link ConflictSettings#auditInterval}, writing straight to the audit log (durable, never dropped) in id order.
 *
 * <p>Exactly once: where to go on from is read back from the audit trail itself (the highest {@code conflictId} among
 * its newest conflict records) when the singleton starts, so a crash between a copy and anything else neither loses
 * nor repeats a conflict. One instance per site (a lease-held singleton); an overlap of two instances during a
 * handover could copy a conflict twice, never lose one.
 */
public final class ConflictAudit {
  private static final Logger log = LoggerFactory.getLogger(ConflictAudit.class);
  public static final String ATTRIBUTE_ID = "conflictId";
  /** How many of the newest conflict records are read back to find where to go on from. */
  static final int READ_BACK = 1_000;

  public sealed interface Command {
  }

  record Tick() implements Command {
  }

  /** Retention of the store's conflict records, as the audit trail's own (max-age, max-records). */
  record Collect() implements Command {
  }

  record Started(long lastCopied) implements Command {
  }

  record Copied(long lastCopied) implements Command {
  }

  record Failed(Throwable cause) implements Command {
  }

  private final ActorContext<Command> context;
  private final String site;
  private final MetadataStore store;
  private final AuditLog audit;
  private final Executor storage;
  private final ConflictSettings settings;
  private final AuditSettings retention;

  private ConflictAudit(ActorContext<Command> context, String site, MetadataStore store, AuditLog audit,
                        Executor storage, ConflictSettings settings, AuditSettings retention) {
    this.retention = retention;
    this.context = context;
    this.site = site;
    this.store = store;
    this.audit = audit;
    this.storage = storage;
    this.settings = settings;
  }

  public static String singletonName(String site) {
    return "conflict-audit-" + site;
  }

  public static Behavior<Command> create(String site, MetadataStore store, AuditLog audit, Executor storage,
                                         ConflictSettings settings, AuditSettings retention) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), settings.auditInterval());
      timers.startTimerWithFixedDelay(new Collect(), retention.collectEvery());
      ConflictAudit auditor = new ConflictAudit(context, site, store, audit, storage, settings, retention);
      auditor.start();
      return auditor.starting();
    }));
  }

  private void start() {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> lastCopied(audit), storage),
        (last, failure) -> failure == null ? new Started(last) : new Failed(failure));
  }

  private Behavior<Command> starting() {
    return Behaviors.receive(Command.class)
        .onMessage(Started.class, started -> {
          context.getLog().info("[{}] conflict auditor running: copying conflicts after id {} to the audit trail",
              site, started.lastCopied());
          return copyFrom(started.lastCopied());
        })
        .onMessage(Failed.class, failed -> {
          context.getLog().warn("[{}] conflict auditor could not read the audit trail, trying again: {}", site,
              failed.cause().toString());
          start();
          return Behaviors.same();
        })
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(Collect.class, this::collect)
        .build();
  }

  /** Idle until the next tick, copying from {@code last} on. */
  private Behavior<Command> idle(long last) {
    return Behaviors.receive(Command.class)
        .onMessage(Tick.class, tick -> copyFrom(last))
        .onMessage(Collect.class, this::collect)
        .build();
  }

  /** Fire and forget on the storage executor: a failed collection is logged and tried again at the next one. */
  private Behavior<Command> collect(Collect collect) {
    CompletableFuture.supplyAsync(() -> store.trimConflicts(
            System.currentTimeMillis() - retention.maxAge().toMillis(), retention.maxRecords()), storage)
        .whenComplete((removed, failure) -> {
          if (failure != null) {
            log.warn("[{}] collecting conflict records failed: {}", site, failure.toString());
          } else if (removed > 0) {
            log.info("[{}] collected {} conflict records (older than {} or beyond {})", site,
                removed, retention.maxAge(), retention.maxRecords());
          }
        });
    return Behaviors.same();
  }

  private Behavior<Command> copyFrom(long last) {
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> copy(last), storage),
        (copied, failure) -> failure == null ? new Copied(copied) : new Failed(failure));
    return Behaviors.receive(Command.class)
        .onMessage(Copied.class, copied -> copied.lastCopied() > last ? copyFrom(copied.lastCopied())
            : idle(copied.lastCopied()))
        .onMessage(Failed.class, failed -> {
          context.getLog().warn("[{}] copying conflicts after id {} to the audit trail failed, trying again at the next"
              + " tick: {}", site, last, failed.cause().toString());
          return idle(last);
        })
        .onMessage(Tick.class, tick -> Behaviors.same())
        .onMessage(Collect.class, this::collect)
        .build();
  }

  /** One batch: the conflicts after {@code last}, written to the audit log in one durable call. Blocks. */
  private long copy(long last) {
    List<WriteConflict> conflicts = store.conflicts(last, settings.batch());
    if (conflicts.isEmpty()) return last;
    List<AuditRecord> records = new ArrayList<>(conflicts.size());
    conflicts.forEach(c -> records.add(record(site, c)));
    audit.record(records);
    return conflicts.get(conflicts.size() - 1).id();
  }

  /**
   * The highest conflict id among the newest {@value #READ_BACK} conflict records of the trail (newest by time, so a
   * wall clock that stepped back is covered by reading more than one), 0 if it holds none. Blocks.
   */
  static long lastCopied(AuditLog audit) {
    long last = 0;
    int read = 0;
    AuditQuery query = AuditQuery.newest(READ_BACK).withKinds(Set.of(AuditKind.CONFLICT));
    AuditPage page;
    do {
      page = audit.query(query);
      for (AuditRecord r : page.records()) {
        String id = r.attributes().get(ATTRIBUTE_ID);
        if (id != null) last = Math.max(last, Long.parseLong(id));
      }
      read += page.records().size();
      query = query.withAfter(page.next());
    } while (page.next() != null && read < READ_BACK);
    return last;
  }

  /** The audit record of one conflict: the peer is the other write's site, the seq the incoming entry's. */
  static AuditRecord record(String site, WriteConflict c) {
    String other = c.remote().originSite().equals(site) ? c.local().originSite() : c.remote().originSite();
    AuditRecord record = AuditRecord.of(AuditKind.CONFLICT, c.atMillis(), site, String.format(
            "inode %d: %s (seq %d) held and %s (seq %d) applied: %s won, %s was lost unseen%s", c.inodeId(),
            c.local(), c.localSeq(), c.remote(), c.remoteSeq(), c.winner(), c.loser(),
            c.concurrent() ? " (neither had seen the other)"
                : " (one had seen the other but was stamped an older hlc)"))
        .withInode(c.inodeId())
        .withPosition(c.shard(), c.remoteSeq())
        .withAttribute(ATTRIBUTE_ID, Long.toString(c.id()))
        .withAttribute("local", c.local().toString())
        .withAttribute("localSeq", Long.toString(c.localSeq()))
        .withAttribute("localKnew", c.localKnew().toString())
        .withAttribute("remote", c.remote().toString())
        .withAttribute("remoteSeq", Long.toString(c.remoteSeq()))
        .withAttribute("remoteSeen", c.remoteSeen().toString())
        .withAttribute("winner", c.winner().toString())
        .withAttribute("concurrent", Boolean.toString(c.concurrent()));
    return other.equals(site) ? record : record.withPeer(other);
  }
}
