package io.cfs.repl.engine.conflict;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.apply.ForwardingApplyListener;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.WriteConflict;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's write conflicts as a stream: {@link #subscribe} reads them from the store, where each apply wrote its
 * conflicts atomically with its values, in id order. So a subscriber gets every conflict at least once and in order,
 * each with a stable id, and resumes after the last id it handled. As an apply listener it wakes the subscriptions
 * when an apply of this node recorded conflicts, and logs them with the site and the origin named; conflicts another
 * node of the site recorded are found by polling ({@link ConflictSettings#pollInterval}).
 */
public final class ConflictFeed extends ForwardingApplyListener {
  private static final Logger log = LoggerFactory.getLogger(ConflictFeed.class);
  private static final long SUMMARY_EVERY_MILLIS = 10_000;

  private final String site;
  private final MetadataStore store;
  private final Executor storage;
  private final ConflictSettings settings;
  private final AtomicLong sinceSummary = new AtomicLong();
  private final AtomicLong lastSummaryMillis = new AtomicLong(Long.MIN_VALUE / 2);
  private volatile CompletableFuture<Void> nextConflict = new CompletableFuture<>();

  public ConflictFeed(String site, MetadataStore store, Executor storage, ConflictSettings settings,
                      ApplyListener next) {
    super(next);
    this.site = site;
    this.store = store;
    this.storage = storage;
    this.settings = settings;
  }

  @Override
  public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
    if (!result.conflicts().isEmpty()) {
      report(origin, result.conflicts());
      CompletableFuture<Void> woken = nextConflict;
      nextConflict = new CompletableFuture<>();
      woken.complete(null);
    }
    super.onBatchApplied(origin, entries, result, appliedAtNanos);
  }

  /**
   * Every conflict with an id above {@code afterId}, oldest first, then each new one as it is recorded; never
   * completes. Fails with {@link ConflictsCollectedException} when retention has collected conflicts it would have
   * to send (it never skips one). Reads run on the storage executor.
   */
  public Source<WriteConflict, NotUsed> subscribe(long afterId) {
    if (afterId < 0) throw new IllegalArgumentException("afterId must be >= 0, was " + afterId);
    return Source.unfoldAsync(afterId, this::next).mapConcat(batch -> batch);
  }

  /**
   * Completed by hand rather than by composing stages: a failure thrown inside a composed stage reaches the stream
   * wrapped in a CompletionException, and subscribers match on {@link ConflictsCollectedException} itself.
   */
  private CompletionStage<Optional<Pair<Long, List<WriteConflict>>>> next(long after) {
    CompletableFuture<Void> woken = nextConflict; // taken before the read, so a conflict recorded meanwhile wakes it
    CompletableFuture<Optional<Pair<Long, List<WriteConflict>>>> next = new CompletableFuture<>();
    CompletableFuture.supplyAsync(() -> store.conflicts(after, settings.batch()), storage)
        .whenComplete((batch, failure) -> {
          if (failure != null) {
            next.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure);
          } else if (batch.isEmpty()) {
            woken.copy().completeOnTimeout(null, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> next.complete(Optional.of(Pair.create(after, List.of()))));
          } else if (batch.get(0).id() != after + 1) {
            // ids are dense: anything but the next id means retention collected the ones between
            next.completeExceptionally(new ConflictsCollectedException(after, batch.get(0).id()));
          } else {
            next.complete(Optional.of(Pair.create(batch.get(batch.size() - 1).id(), batch)));
          }
        });
    return next;
  }

  /** Each conflict at DEBUG; at INFO a count at most every 10 s, since an active-active workload may make many. */
  private void report(String origin, List<WriteConflict> conflicts) {
    if (log.isDebugEnabled()) {
      conflicts.forEach(c -> log.debug("[{}] write conflict {} applying {}'s entries: inode {} shard {}: held {} (seq"
          + " {}) and {} (seq {}) applied: {} won", site, c.id(), origin, c.inodeId(), c.shard(),
          c.local(), c.localSeq(), c.remote(), c.remoteSeq(), c.winner()));
    }
    long count = sinceSummary.addAndGet(conflicts.size());
    long now = System.currentTimeMillis();
    long last = lastSummaryMillis.get();
    if (now - last >= SUMMARY_EVERY_MILLIS && lastSummaryMillis.compareAndSet(last, now)) {
      sinceSummary.addAndGet(-count);
      WriteConflict latest = conflicts.get(conflicts.size() - 1);
      log.info("[{}] {} write conflicts recorded since the last report, the latest applying {}'s entries (id {},"
          + " inode {}: {} won over {})", site, count, origin, latest.id(), latest.inodeId(), latest.winner(),
          latest.loser());
    }
  }
}
