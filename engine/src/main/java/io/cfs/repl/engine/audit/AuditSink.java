package io.cfs.repl.engine.audit;

import io.cfs.repl.persistence.audit.AuditRecord;

/** Where the engine hands audit records: never blocks and never throws, so actors and stream stages may call it. */
@FunctionalInterface
public interface AuditSink {
  /** Records nothing. */
  AuditSink NONE = record -> { };

  /** Takes {@code record} to be written to the site's audit trail soon; returns at once. */
  void record(AuditRecord record);
}
