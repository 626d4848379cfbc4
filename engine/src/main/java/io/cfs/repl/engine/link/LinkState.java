package io.cfs.repl.engine.link;

/** What the link to one peer is doing, as an operator sees it. */
public enum LinkState {
  /** Recovering cursors from persistence. */
  RECOVERING,
  /** Dialling the peer and waiting for its handshake. */
  CONNECTING,
  /** Handshake done, shipping. */
  CONNECTED,
  /** Connection lost; waiting before the next attempt. */
  BACKOFF,
  /** Paused by an operator. */
  PAUSED,
  /** Stopped on an error that retrying cannot fix (the peer refused a batch); resume after fixing it. */
  STOPPED,
  /**
   * Reported by the node, not the replicator: no replicator answered in time. It is starting, moving to another node
   * of the site (the lease and recovery take a few seconds), or was stopped by fencing. Lag is unknown meanwhile.
   */
  NOT_RUNNING
}
