package io.cfs.repl.persistence.guard;

import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.AuditPage;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import java.util.List;

/** An {@link AuditLog} whose blocking calls refuse Pekko's own dispatcher threads ({@link StorageThreads}). */
record CheckedAuditLog(AuditLog log) implements AuditLog {
  @Override
  public String site() {
    return log.site();
  }

  @Override
  public List<AuditRecord> record(List<AuditRecord> records) {
    StorageThreads.check("audit.record");
    return log.record(records);
  }

  @Override
  public AuditPage query(AuditQuery query) {
    StorageThreads.check("audit.query");
    return log.query(query);
  }

  @Override
  public long deleteOlderThan(long cutoffMillis) {
    StorageThreads.check("audit.deleteOlderThan");
    return log.deleteOlderThan(cutoffMillis);
  }

  @Override
  public long trimTo(long maxRecords) {
    StorageThreads.check("audit.trimTo");
    return log.trimTo(maxRecords);
  }

  @Override
  public void close() {
    log.close();
  }
}
