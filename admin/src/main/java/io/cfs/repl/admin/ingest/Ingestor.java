package io.cfs.repl.admin.ingest;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request body into one journal append: the whole batch is durable or nothing of it is written. Shared by
 * the POST route and the WebSocket stream, so both refuse the same batches with the same errors.
 */
final class Ingestor {
  private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

  private final LocalJournal journal;
  private final IngestSettings settings;
  private final ReplicationMetrics metrics;

  Ingestor(LocalJournal journal, IngestSettings settings, ReplicationMetrics metrics) {
    this.journal = journal;
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
    // Completed on the journal's writer thread: only map here, anything longer belongs to the caller's stage.
    return journal.append(entries).handle((result, failure) -> {
      if (failure != null) throw IngestRejection.of(failure);
      return IngestResponse.of(result);
    });
  }

  Map<Integer, Long> heads() {
    return journal.heads();
  }

  /** Every refusal of the ingest listener, before the journal or by it, is logged and counted by its error. */
  void logRejected(IngestRejection rejection, String where) {
    metrics.onIngestRefused(rejection.error());
    log.warn("ingest {} refused on site {}: {} shard={} seq={}: {}", where, journal.localSite(), rejection.error(),
        rejection.shard(), rejection.seq(), rejection.getMessage());
  }
}
