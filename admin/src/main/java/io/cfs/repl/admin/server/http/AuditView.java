package io.cfs.repl.admin.server.http;

import io.cfs.repl.persistence.audit.AuditPage;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /replication/audit} body: one page of the site's audit trail, newest first.
 *
 * @param site the site whose trail this is
 * @param records the page
 * @param next the {@code after} value of the next page, null when there is none
 */
public record AuditView(String site, List<RecordView> records, String next) {

  /**
   * One record.
   *
   * @param id assigned by the log, increasing in recording order
   * @param atMillis when it happened (epoch millis, the recording node's clock)
   * @param at the same, ISO-8601 in UTC
   * @param kind what happened (AuditKind name)
   * @param site the site that recorded it
   * @param peer the other site it concerns, or null
   * @param inode the inode it concerns, or null
   * @param shard the shard it concerns, or null
   * @param seq the sequence number it concerns, or null
   * @param detail what happened, for a person
   * @param attributes named values for tools (e.g. {@code address}, {@code expectedSeq})
   */
  public record RecordView(long id, long atMillis, String at, String kind, String site, String peer, Long inode,
                           Integer shard, Long seq, String detail, Map<String, String> attributes) {
    static RecordView of(AuditRecord r) {
      return new RecordView(r.id(), r.atMillis(), Instant.ofEpochMilli(r.atMillis()).toString(), r.kind().name(),
          r.site(), r.peer(), r.inode(), r.shard(), r.seq(), r.detail(), r.attributes());
    }
  }

  static AuditView of(String site, AuditPage page) {
    return new AuditView(site, page.records().stream().map(RecordView::of).toList(),
        page.next() == null ? null : page.next().toString());
  }
}
