package io.cfs.repl.admin.server.metrics;

/**
 * Kamon names of the {@code cfs_repl_*} metrics and their labels. The Prometheus reporter appends the unit
 * ({@code _seconds}, {@code _bytes}; time is exported in seconds) and {@code _total} for counters; the README lists
 * the names as Prometheus shows them.
 */
final class MetricNames {
  // labels
  static final String SITE = "site";
  static final String PEER = "peer";
  static final String ORIGIN = "origin";
  static final String STATE = "state";
  static final String KIND = "kind";
  static final String REASON = "reason";
  static final String DIRECTION = "direction";

  // TLS of site links
  static final String TLS_REFUSED = "cfs_repl_link_tls_refused";
  static final String TLS_RELOAD_FAILURES = "cfs_repl_link_tls_reload_failures";
  static final String CERTIFICATE_EXPIRY = "cfs_repl_link_certificate_expiry";
  static final String OWN = "own";

  // intake
  static final String APPEND_LATENCY = "cfs_repl_append_latency";
  static final String APPENDED_ENTRIES = "cfs_repl_appended_entries";
  static final String APPEND_BATCH_ENTRIES = "cfs_repl_append_batch_entries";
  static final String APPEND_REJECTED = "cfs_repl_append_rejected";
  /** Seconds from an entry's hlc to a stage on its way to a peer (tag stage; peer for shipped, origin for received). */
  static final String ENTRY_AGE = "cfs_repl_entry_age";
  static final String STAGE = "stage";

  // sending side, per peer
  static final String SHIPPED_ENTRIES = "cfs_repl_shipped_entries";
  static final String SHIPPED_BYTES = "cfs_repl_shipped";
  static final String SHIPPED_BATCH_ENTRIES = "cfs_repl_shipped_batch_entries";
  static final String ACKED_ENTRIES = "cfs_repl_acked_entries";
  static final String ACK_LATENCY = "cfs_repl_ack_latency";
  static final String BACKPRESSURE = "cfs_repl_backpressure";
  static final String LAG_ENTRIES = "cfs_repl_lag_entries";
  static final String LAG = "cfs_repl_lag";
  static final String CLOCK_SKEW = "cfs_repl_clock_skew";
  static final String LINK_STATE = "cfs_repl_link_state";
  /** No unit, so the reporter adds no suffix: the name says it is bytes per second; 0 is unlimited. */
  static final String LINK_THROTTLE = "cfs_repl_link_throttle_bytes_per_second";

  // link frames (both sides)
  static final String FRAME_RAW_BYTES = "cfs_repl_frames_raw";
  static final String FRAME_WIRE_BYTES = "cfs_repl_frames_wire";
  static final String COMPRESSION_RATIO = "cfs_repl_compression_ratio";

  // receiving side, per origin
  static final String APPLIED_ENTRIES = "cfs_repl_applied_entries";
  static final String SKIPPED_ENTRIES = "cfs_repl_skipped_entries";
  static final String APPLIED_BYTES = "cfs_repl_applied";
  static final String APPLIED_BATCH_ENTRIES = "cfs_repl_applied_batch_entries";
  static final String APPLY_TIME = "cfs_repl_apply_time";
  static final String STORE_SYNC_TIME = "cfs_repl_store_sync_time";
  static final String CONFLICTS = "cfs_repl_conflicts";

  // ingest listener refusals by typed error, before the journal or by it
  static final String INGEST_REFUSED = "cfs_repl_ingest_refused";

  // writes refused because the volume of the journal or the store is full, labelled storage (journal, store)
  static final String STORAGE_FULL = "cfs_repl_storage_full";
  static final String STORAGE = "storage";

  // journal GC, after each round of the site's collector (on the node running it): rounds by outcome, entries
  // removed, what the journal holds, and per site (each peer, and this site for its local apply) the entries it still
  // needs, with 1 on the series of the one holding the horizon back
  static final String JOURNAL_REFUSING = "cfs_repl_journal_refusing_writes";
  static final String RESYNC_EVENTS = "cfs_repl_resync_events";
  static final String EVENT = "event";
  static final String RESYNC_VALUES = "cfs_repl_resync_values";
  static final String RESYNC_BYTES = "cfs_repl_resync_payload";
  static final String JOURNAL_GC_ROUNDS = "cfs_repl_journal_gc_rounds";
  static final String OUTCOME = "outcome";
  static final String JOURNAL_COLLECTED = "cfs_repl_journal_collected_entries";
  static final String TOMBSTONES_COLLECTED = "cfs_repl_tombstones_collected";
  static final String JOURNAL_ENTRIES = "cfs_repl_journal_entries";
  static final String JOURNAL_BYTES = "cfs_repl_journal";
  static final String JOURNAL_OLDEST_AGE = "cfs_repl_journal_oldest_entry_age";
  static final String JOURNAL_BEHIND = "cfs_repl_journal_horizon_behind_entries";
  static final String JOURNAL_HOLDER = "cfs_repl_journal_horizon_holder";

  // site singletons: writes refused by fencing token, per singleton
  static final String FENCED_WRITES = "cfs_repl_fenced_writes";
  static final String SINGLETON = "singleton";

  // failover: each peer's health as this site sees it (0 HEALTHY, 1 DEGRADED, 2 DOWN), this site's role (1 on the
  // current role's series), its epoch, and the time of its last promotion
  static final String PEER_HEALTH = "cfs_repl_peer_health";
  static final String ROLE = "cfs_repl_role";
  static final String EPOCH = "cfs_repl_epoch";
  static final String LAST_PROMOTION = "cfs_repl_last_promotion_timestamp_seconds";
  static final String ROLE_TAG = "role";

  // audit trail: records written by kind, records dropped
  static final String AUDIT_RECORDS = "cfs_repl_audit_records";
  static final String AUDIT_DROPPED = "cfs_repl_audit_dropped";

  // errors by kind
  static final String ERRORS = "cfs_repl_errors";
  static final String ERROR_GAP = "gap";
  static final String ERROR_BATCH_REJECTED = "batch_rejected";
  static final String ERROR_HANDSHAKE_REJECTED = "handshake_rejected";
  /** A data link refused because the sender's journal is another incarnation than the one applied here. */
  static final String ERROR_INCARNATION_MISMATCH = "incarnation_mismatch";

  private MetricNames() {
  }
}
