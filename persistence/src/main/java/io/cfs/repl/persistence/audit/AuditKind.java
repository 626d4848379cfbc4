package io.cfs.repl.persistence.audit;

import java.util.Optional;

/**
 * What an {@link AuditRecord} records. Both logs store a kind by its {@link #name()}, so a name is forever: add a
 * kind by adding a constant (anywhere in the list, ordinals are never stored), never rename or remove one. A stored
 * name this code does not know (written by a newer version) is left out of query answers.
 */
public enum AuditKind {
  /** A link to a peer connected (handshake done): it ships again. */
  LINK_UP,
  /** A connected link to a peer went down: connection lost, batch refused, paused, restarted or its replicator stopped. */
  LINK_DOWN,
  /** A shard of a link stopped on a sequence gap; it stays stopped until an operator resumes the link. */
  SHARD_STOPPED,
  /** An operator paused a link. */
  LINK_PAUSED,
  /** An operator resumed a link (or a forced sync retried it): stopped shards are retried from their cursors. */
  LINK_RESUMED,
  /** An operator set or lifted the throttle of a link (bytes per second on the wire). */
  LINK_THROTTLED,
  /** A peer's health changed (HEALTHY, DEGRADED, DOWN). */
  HEALTH_CHANGED,
  /** This site learnt of a higher epoch and adopted it. */
  EPOCH_ADOPTED,
  /** This site became the primary. */
  PROMOTED,
  /** This site stopped being the primary. */
  DEMOTED,
  /** An operator asked for a failover (planned or forced). */
  FAILOVER_REQUESTED,
  /** Entries stamped with a stale epoch were refused. */
  STALE_EPOCH_REFUSED,
  /** An entry of an old epoch that never replicated was reconciled by last-write-wins. */
  OLD_EPOCH_RECONCILED,
  /** The clock skew to a peer crossed {@code clock-skew-warn}, or came back under it. */
  CLOCK_SKEW,
  /** A verify-and-repair wrote another site's newer value of an inode into this site's store. */
  REPAIRED,
  /** An operator's verification against a peer finished: how many inodes differed, how many were repaired. */
  VERIFIED,
  /**
   * A peer's data link was refused: it offered another incarnation of its journal than the one whose entries this
   * site applied (its data dir was lost and its seqs start over). Recorded once per offered incarnation.
   */
  INCARNATION_REFUSED,
  /** An operator made this site forget a peer's incarnation and watermarks, so that a new history is taken. */
  INCARNATION_FORGOTTEN,
  /**
   * An apply met two writes of one inode that had not seen each other ({@code WriteConflict} of the store, copied here
   * with its id in the attribute {@code conflictId}).
   */
  CONFLICT,
  /**
   * A peer must be resynced by a snapshot of this site's store: it fell behind the journal's horizon, the retention
   * cap dropped it, or an operator asked. Its cursors no longer hold the journal back.
   */
  RESYNC_NEEDED,
  /** A snapshot resync of a peer started (or resumed after a cut): its marks, and where it resumed. */
  RESYNC_STARTED,
  /** A peer installed this site's snapshot: the journal tail resumes from the snapshot's watermarks. */
  RESYNC_FINISHED,
  /** This site installed a peer's snapshot: its values and the watermarks raised per origin. */
  RESYNC_INSTALLED,
  /** The journal went past its retention cap under {@code cap-policy = refuse-writes}: appends are refused. */
  WRITES_REFUSED,
  /** The journal is back under its retention cap: appends are taken again. */
  WRITES_RESUMED,
  /** A reload added a peer site: its link starts (from nothing: a snapshot resync once behind the journal horizon). */
  PEER_ADDED,
  /** A reload removed a peer site: its cursors are dropped, it holds the journal back nowhere, its links are refused. */
  PEER_REMOVED;

  /** The kind stored under {@code name}, empty for a name this version does not know. */
  public static Optional<AuditKind> named(String name) {
    for (AuditKind kind : values()) {
      if (kind.name().equals(name)) return Optional.of(kind);
    }
    return Optional.empty();
  }
}
