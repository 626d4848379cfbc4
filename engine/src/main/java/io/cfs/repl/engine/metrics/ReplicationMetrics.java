package io.cfs.repl.engine.metrics;

import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.transport.link.LinkMetrics;
import io.cfs.repl.transport.tls.TlsMetrics;
import java.util.Set;

/**
 * What replication reports about itself, named after what happened, so the metrics library (Kamon) lives in one
 * adapter and the engine never imports it. One instance serves one node (one site); every method is called on actor
 * or stream threads and must neither block nor throw. Every method defaults to doing nothing.
 *
 * <p>{@code peer} is the site a link ships to; {@code origin} is the site whose entries were applied here (it is
 * this site itself for the local apply of its own journal).
 */
public interface ReplicationMetrics {
  /** Reports nothing. */
  ReplicationMetrics NONE = new ReplicationMetrics() { };

  /** {@link #onLinkDown} kind: the connection failed, closed or timed out; the link reconnects with backoff. */
  String LINK_FAILED = "link_failed";
  /** {@link #onLinkDown} kind: the peer refused a whole batch; the link stops until resumed. */
  String REJECTED_BY_PEER = "rejected_by_peer";
  /**
   * {@link #onLinkDown} kind: the peer refused a batch of an epoch older than its own; the link reconnects with
   * backoff, and goes through once this site has adopted the peer's epoch.
   */
  String STALE_EPOCH = "stale_epoch";

  // ---- intake

  /** An append of {@code entries} became durable in the local journal after {@code latencyNanos}. */
  default void onAppend(int entries, long latencyNanos) {
  }

  /** An append was refused as a whole ({@code reason}: the journal's reason code, e.g. GAP). */
  default void onAppendRejected(String reason) {
  }

  /**
   * The ingest listener refused a request (or a connection) as a whole, before the journal or by it; {@code reason}
   * is its typed error (BUSY, REQUEST_TIMEOUT, TOO_MANY_CONNECTIONS, UNAUTHORIZED, GAP ...).
   */
  default void onIngestRefused(String reason) {
  }

  /**
   * A write of this node's {@code storage} ("journal" or "store") was refused because its volume is full; nothing of
   * it was written. Writes are accepted again once space frees.
   */
  default void onStorageFull(String storage) {
  }

  /**
   * A batch of {@code entries} reached {@code stage} at a mean age of {@code meanAgeNanos} (now minus their hlcs);
   * {@code site} is the one the stage names ({@link EntryStage}). Called on the thread that got them there.
   */
  default void onEntriesAged(EntryStage stage, String site, long meanAgeNanos, int entries) {
  }

  // ---- sending side, per peer link

  /** A batch was encoded and handed to the link; {@code bytes} is its encoded size before compression. */
  default void onBatchShipped(String peer, int entries, long bytes) {
  }

  /** The peer acknowledged {@code entries}; {@code latencyNanos} runs from shipping the acked batch to its ack. */
  default void onBatchAcked(String peer, long entries, long latencyNanos) {
  }

  /** A batch read from the journal waited {@code waitNanos} for the link to ask for it (0 when it was asked). */
  default void onBackpressure(String peer, long waitNanos) {
  }

  /** {@link #onResync} events. */
  String RESYNC_NEEDED = "needed";
  String RESYNC_STARTED = "started";
  String RESYNC_CHUNK = "chunk";
  String RESYNC_FINISHED = "finished";

  /**
   * A snapshot resync of {@code peer}: {@code event} is one of {@link #RESYNC_NEEDED}, {@link #RESYNC_STARTED},
   * {@link #RESYNC_CHUNK} (the peer acknowledged a chunk of {@code values} values, {@code bytes} payload bytes) or
   * {@link #RESYNC_FINISHED}.
   */
  default void onResync(String peer, String event, long values, long bytes) {
  }

  /** The site's peers changed (an operator reloaded them): series of the new ones may be labelled by name. */
  default void onPeersChanged(Set<String> peers) {
  }

  /** Whether appends are refused now because the journal is past its retention cap ({@code refuse-writes}). */
  default void onJournalCapRefusing(boolean refusing) {
  }

  /** The link to {@code peer} entered {@code state}. */
  default void onLinkStateChanged(String peer, LinkState state) {
  }

  /**
   * The link to {@code peer} ended on an error; {@code kind} is one of {@link #LINK_FAILED} (connection, timeout),
   * {@link #REJECTED_BY_PEER} (the peer refused a whole batch; the link stops) or {@link #STALE_EPOCH} (the peer
   * refused a batch of an older epoch; the link reconnects).
   */
  default void onLinkDown(String peer, String kind) {
  }

  /** The peer refused {@code shard} on a sequence gap; that shard stops until an operator resumes the link. */
  default void onGap(String peer, int shard) {
  }

  /** The latest estimate of a peer's clock minus ours. */
  default void onClockSkew(String peer, long offsetMillis) {
  }

  /** The throttle of the link to {@code peer} now applies: bytes per second on the wire, 0 for unlimited. */
  default void onThrottle(String peer, long bytesPerSecond) {
  }

  /** Periodic lag of the link: entries the peer has not acknowledged and the age of the oldest one. */
  default void onLag(String peer, long entries, long millis) {
  }

  /** Frame-level reporting (bytes before and after compression) of the link to {@code peer}. */
  default LinkMetrics link(String peer) {
    return LinkMetrics.NONE;
  }

  // ---- receiving side

  /**
   * One atomic apply of entries from {@code origin}: {@code applied} newly, {@code skipped} already held,
   * {@code conflicts} write conflicts recorded (each in the store and, soon after, the audit trail); {@code bytes} is
   * the entries' estimated size.
   */
  default void onBatchApplied(String origin, int entries, int applied, int skipped, int conflicts, long bytes,
                              long applyNanos) {
  }

  /**
   * The store's sync that made {@code origin}'s applied batches durable (they were visible before it) took
   * {@code syncNanos}; their acks follow.
   */
  default void onStoreSynced(String origin, long syncNanos) {
  }

  /** A batch from {@code origin} was refused as a whole (nothing applied) for {@code reason}. */
  default void onBatchRejected(String origin, String reason) {
  }

  // ---- audit trail

  /** {@code records} audit records of {@code kind} were written durably to the site's audit trail. */
  default void onAuditRecorded(AuditKind kind, int records) {
  }

  /** {@code records} audit records were dropped (queue full, write failed, node stopping); each drop is logged. */
  default void onAuditDropped(int records) {
  }

  // ---- journal GC: reported once per round by the node running the site's collector

  /**
   * A round of journal GC ended: {@code outcome} {@code collected} (it ran; {@code removed} entries, possibly 0),
   * {@code blocked} (a peer's replicator did not answer: nothing removed) or {@code failed} (storage failed).
   */
  default void onJournalGcRound(String outcome, long removed) {
  }

  /** What the journal holds after a round: entries, bytes held, the age of its oldest entry (0 when empty). */
  default void onJournalHeld(long entries, long bytes, long oldestAgeMillis) {
  }

  /** A round of journal GC removed {@code removed} tombstones of {@code origin}'s deletes from the store (> 0). */
  default void onTombstonesCollected(String origin, long removed) {
  }

  /**
   * Who holds the horizon back after a round: per site (each peer, and this site for its local apply) the entries it
   * still needs, -1 when unknown; {@code holder} the one holding it back, null when none does.
   */
  default void onJournalHorizon(String holder, java.util.Map<String, Long> behind) {
  }

  // ---- site singletons

  /** Storage refused a write of {@code singleton} by fencing token (another node holds its lease); it stopped. */
  default void onFenced(String singleton) {
  }

  /** Frame-level reporting of the links peers open to this site. */
  default LinkMetrics inboundLinks() {
    return LinkMetrics.NONE;
  }

  /** What TLS on site links reports: refusals, reload failures, certificate expiry. */
  default TlsMetrics tls() {
    return TlsMetrics.NONE;
  }

  /** Failover: this site's view of a peer's health changed (HEALTHY, DEGRADED, DOWN). */
  default void onPeerHealth(String peer, String health) {
  }

  /** Failover: this site's role or epoch changed (a promotion, a demotion, an adopted epoch). */
  default void onRole(String role, long epoch, long atMillis) {
  }
}
