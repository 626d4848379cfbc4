package io.cfs.repl.persistence.audit;

import java.util.List;

/** Checks both audit logs make before writing. */
final class AuditLogs {
  private AuditLogs() {
  }

  /** Refuses the whole call, before anything is written, if a record is of another site than the log's. */
  static void requireSite(String site, List<AuditRecord> records) {
    for (AuditRecord r : records) {
      if (!r.site().equals(site)) {
        throw new IllegalArgumentException("the audit log of " + site + " holds only its own records, not one of "
            + r.site() + " (" + r.kind() + ")");
      }
    }
  }
}
