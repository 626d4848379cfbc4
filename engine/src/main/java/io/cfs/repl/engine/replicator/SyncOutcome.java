package io.cfs.repl.engine.replicator;

/**
 * What an operator's sync did to one link.
 *
 * @param action what was done
 * @param status the link after it
 */
public record SyncOutcome(Action action, ReplicatorStatus status) {

  /** What a sync did to one link. */
  public enum Action {
    /** The link was waiting in backoff and reconnected at once. */
    RECONNECTED,
    /** (force) The link was connected or connecting and was re-established from its persisted cursors. */
    RESTARTED,
    /** (force) The link or some of its shards had stopped on an error and were retried from their cursors. */
    RETRIED,
    /** The link is paused by an operator and was left paused (resume it instead). */
    LEFT_PAUSED,
    /** Nothing to do without force: the link is connected or connecting. */
    NONE
  }
}
