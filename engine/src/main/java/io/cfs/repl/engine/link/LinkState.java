package io.cfs.repl.engine.link;

/** What the link to one peer is doing, as an operator sees it. */
public enum LinkState {
  /** Recovering cursors from persistence. */
  RECOVERING,
  /** Dialling the peer and waiting for its handshake. */
  CONNECTING,
  /** Handshake done, shipping. */
  CONNECTED,
  /**
   * Connected and shipping a snapshot of this site's store, in chunks: the peer fell behind the journal's horizon (or
   * an operator asked for it). Once the snapshot is installed the journal tail resumes from its watermarks.
   */
  RESYNCING,
  /**
   * The peer needs a snapshot resync (it fell behind the journal's horizon, or the retention cap dropped it) and none
   * runs: {@code cfs-repl.resync.auto} is off, so an operator starts it ({@code cfs admin replication resync}).
   */
  NEEDS_RESYNC,
  /** Connection lost; waiting before the next attempt. */
  BACKOFF,
  /** Paused by an operator. */
  PAUSED,
  /** Stopped on an error that retrying cannot fix (the peer refused a batch); resume after fixing it. */
  STOPPED,
  /** The peer was removed from the site's peers by a reload: its cursors are dropped and its link does not run. */
  REMOVED,
  /**
   * Reported by the node, not the replicator: no replicator answered in time. It is starting, moving to another node
   * of the site (the lease and recovery take a few seconds), or was stopped by fencing. Lag is unknown meanwhile.
   */
  NOT_RUNNING
}
