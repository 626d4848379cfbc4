package io.cfs.repl.persistence.audit;

import java.util.List;

/**
 * A site's audit trail in its own storage: replication events (links, gaps, pauses, failover, conflicts) that an
 * operator reads back by time range and kind.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@link #record} is durable and atomic per call: when it returns, every record of the call is on disk (fsync'd
 *       or committed); when it throws, none is;</li>
 *   <li>ids are assigned by the log and increase in recording order: two records of one call, or of two calls one
 *       after the other, get increasing ids;</li>
 *   <li>a log holds the records of one site ({@link #site()}) and refuses a record of another;</li>
 *   <li>{@link #query} answers newest first in (atMillis, id) order, and paging with {@link AuditPage#next} visits every
 *       matching record exactly once; a record stored meanwhile shows in the later pages only if it sorts below the
 *       cursor (it carries an older atMillis);</li>
 *   <li>retention removes the oldest records first ({@link #deleteOlderThan}, {@link #trimTo}) and says how many.</li>
 * </ul>
 * Calls block (disk or database); they belong on the node's storage executor.
 */
public interface AuditLog extends AutoCloseable {

  /** The site whose records this log holds. */
  String site();

  /**
   * Stores {@code records} (ids ignored) durably and atomically, in order; returns them with their ids.
   *
   * @throws IllegalArgumentException if a record is of another site; nothing is stored
   */
  List<AuditRecord> record(List<AuditRecord> records);

  /** One page of the records {@code query} selects, newest first. */
  AuditPage query(AuditQuery query);

  /** Removes every record older than {@code cutoffMillis} (atMillis strictly below); returns how many. */
  long deleteOlderThan(long cutoffMillis);

  /** Removes the oldest records until at most {@code maxRecords} are left; returns how many it removed. */
  long trimTo(long maxRecords);

  @Override
  void close();
}
