package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.admin.wire.IngestRejection;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.StorageFullException;
import io.cfs.repl.persistence.journal.JournalCapException;
import io.cfs.repl.persistence.journal.AppendRejectedException;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request body into one journal append: the whole batch is durable or nothing of it is written. Shared by
 * the POST route and the WebSocket stream, so both refuse the same batches with the same errors.
 */
final class Ingestor {
  private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

  private static final int INSUFFICIENT_STORAGE = 507;

  private final LocalJournal journal;
  private final Executor storageExecutor;
  private final IngestSettings settings;
  private final ReplicationMetrics metrics;
  private final EntryAges ages;

  Ingestor(LocalJournal journal, Executor storageExecutor, IngestSettings settings, ReplicationMetrics metrics,
           EntryAges ages) {
    this.journal = journal;
    this.ages = ages;
    this.storageExecutor = storageExecutor;
    this.settings = settings;
    this.metrics = metrics;
  }

  /**
   * Completes once the batch is durable; fails with an {@link IngestRejection}. The journal checks appends in the
   * order of the calls, so a caller that pipelines consecutive seqs of a shard (the stream) must make its calls in
   * that order, never from completion callbacks that may run in any order.
   */
  CompletionStage<IngestResponse> ingest(ByteString body, BatchFormat format) {
    List<JournalEntry> entries;
    try {
      entries = format.decode(body, settings.maxEntriesPerRequest());
    } catch (IngestRejection malformed) {
      return CompletableFuture.failedFuture(malformed);
    }
    ages.record(EntryStage.INGESTED, journal.localSite(), entries);
    // Completed on the journal's writer (a thread of its own): only map here, anything longer belongs to the caller's
    // stage.
    return journal.append(entries).handle((result, failure) -> {
      if (failure != null) throw rejection(failure);
      // a retry of what is already durable would count its entries again, at the retry's age
      if (result.written() > 0) ages.record(EntryStage.DURABLE, journal.localSite(), entries);
      return new IngestResponse(result.written(), result.duplicates(), result.heads(), result.hlc(), null);
    });
  }

  /**
   * The typed rejection behind any failure of an ingest: the journal's refusals keep their reason, shard and seq; the
   * write gate's ({@link NotPrimaryException}) become 409 FENCED naming the primary and the epoch; a full volume
 * ({@link StorageFullException}) becomes 507 INSUFFICIENT_STORAGE naming the data dir; a journal past its retention cap
   * under {@code refuse-writes} ({@link JournalCapException}) 507 JOURNAL_FULL.
   */
  static IngestRejection rejection(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof IngestRejection rejection) return rejection;
    if (cause instanceof NotPrimaryException notPrimary) {
      return IngestRejection.fenced(notPrimary.primary(), notPrimary.epoch(), notPrimary.getMessage());
    }
    if (cause instanceof AppendRejectedException refused) {
      // A closed journal is a node shutting down: another node, or this one restarted, may take the batch.
      int status = refused.reason() == Reason.CLOSED ? 503 : 400;
      return new IngestRejection(status, refused.reason().name(), refused.shard(), refused.seq(),
          refused.getMessage());
    }
    if (cause instanceof JournalCapException capped) return IngestRejection.journalFull(capped.getMessage());
    StorageFullException full = StorageFullException.find(cause);
    if (full != null) {
      return IngestRejection.insufficientStorage(full.getMessage()
          + "; nothing of the batch was written, retry once space frees");
    }
    if (cause instanceof EntityStreamSizeException tooLarge) return IngestRejection.requestTooLarge(tooLarge.limit());
    return new IngestRejection(500, "INTERNAL", null, null, String.valueOf(cause));
  }

  /** The journal's heads, read on the storage executor (a database round trip on PostgreSQL). */
  CompletionStage<Map<Integer, Long>> heads() {
    return CompletableFuture.supplyAsync(journal::heads, storageExecutor);
  }

  /** Every refusal of the ingest listener, before the journal or by it, is logged and counted by its error. */
  void logRejected(IngestRejection rejection, String where) {
    metrics.onIngestRefused(rejection.error());
    // While a volume is full every request is refused: the journal logs it, rate-limited, not a line per request.
    if (rejection.status() == INSUFFICIENT_STORAGE) return; // the cap's refusal likewise, by the CappedJournal
    log.warn("ingest {} refused on site {}: {} shard={} seq={}: {}", where, journal.localSite(), rejection.error(),
        rejection.shard(), rejection.seq(), rejection.getMessage());
  }
}
