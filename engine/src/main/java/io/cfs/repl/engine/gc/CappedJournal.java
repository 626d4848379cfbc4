package io.cfs.repl.engine.gc;

import io.cfs.repl.engine.audit.AuditSink;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.JournalCapException;
import io.cfs.repl.persistence.journal.JournalFootprint;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal behind the retention cap's {@code refuse-writes} policy: while the journal is past the cap an append
 * fails with {@link JournalCapException} and writes nothing; reads pass through. Every node measures the journal
 * itself ({@link #measure}, on its storage executor every GC interval), so all nodes of a PostgreSQL site, sharing
 * one journal, refuse and resume together whichever node runs the collector.
 *
 * <p>Unlike {@code drop-peer}, no peer is ever made to need a resync: the site stops taking writes until the peer
 * holding the horizon back catches up (or an operator resyncs or removes it) and the journal is collected below the cap.
 * The byte measure shrinks only as the storage compacts what was collected, so writes resume a little after that.
 */
public final class CappedJournal extends ForwardingJournal {
  private static final Logger log = LoggerFactory.getLogger(CappedJournal.class);

  private final JournalGcSettings settings;
  private final ReplicationMetrics metrics;
  private final AuditSink audit;
  /** Why appends are refused now; null while they are taken. */
  private volatile String refusal;

  public CappedJournal(LocalJournal journal, JournalGcSettings settings, ReplicationMetrics metrics, AuditSink audit) {
    super(journal);
    this.settings = settings;
    this.metrics = metrics;
    this.audit = audit;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    String refused = refusal;
    if (refused != null) return CompletableFuture.failedFuture(new JournalCapException(refused));
    return delegate().append(entries);
  }

  /** Why appends are refused now, or null. */
  public String refusal() {
    return refusal;
  }

  /** Measures the journal and refuses or takes appends by the cap; blocking (on the storage executor). */
  public void measure(long nowMillis) {
    JournalFootprint held = delegate().footprint();
    long age = JournalStatus.ageMillis(held.oldestHlc(), nowMillis);
    String site = localSite();
    if (settings.overCap(held.bytes(), age)) {
      if (refusal == null) {
        refusal = "appends refused: the journal of " + site + " holds " + held.bytes() + " bytes, its oldest entry "
            + age + " ms old, past the retention cap (max-journal-bytes " + settings.maxJournalBytes()
            + ", max-journal-age " + settings.maxJournalAge() + ", cap-policy refuse-writes); nothing was written,"
            + " retry once the peers catch up and the journal is collected";
        log.error("[{}] {}", site, refusal);
        record(AuditKind.WRITES_REFUSED, refusal, nowMillis);
        metrics.onJournalCapRefusing(true);
      }
    } else if (refusal != null) {
      refusal = null;
      String detail = "appends taken again: the journal holds " + held.bytes() + " bytes, under the retention cap";
      log.info("[{}] {}", site, detail);
      record(AuditKind.WRITES_RESUMED, detail, nowMillis);
      metrics.onJournalCapRefusing(false);
    }
  }

  private void record(AuditKind kind, String detail, long nowMillis) {
    audit.record(AuditRecord.of(kind, nowMillis, localSite(), detail));
  }
}
