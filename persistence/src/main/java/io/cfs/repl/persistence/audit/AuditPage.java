package io.cfs.repl.persistence.audit;

import java.util.List;

/**
 * One page of a query's answer.
 *
 * @param records matching records, newest first (by atMillis, then id)
 * @param next where the following page starts (pass it as {@link AuditQuery#after}), or null when no record is left to
 *     read. A page may hold fewer records than the limit and still have a {@code next}: a log may stop a long scan and
 *     let the caller continue it.
 */
public record AuditPage(List<AuditRecord> records, AuditCursor next) {
  public AuditPage {
    records = List.copyOf(records);
  }
}
