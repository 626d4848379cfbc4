package io.cfs.repl.engine.failover;

/** What a resolver reports as it decides: for the log, metrics and the audit trail. Called on the actor's thread. */
public interface FailoverListener {
  FailoverListener NONE = new FailoverListener() { };

  default void onHealthChanged(String site, String peer, PeerHealth from, PeerHealth to) {
  }

  /** {@code event} was persisted (a promotion, a demotion, an adopted epoch, a vote). */
  default void onEvent(String site, FailoverEvent event) {
  }

  default void onManualFailoverFailed(String site, String target, String reason) {
  }

  /** An operator asked for a failover to {@code target}; {@code started} says whether this site took it up. */
  default void onFailoverRequested(String site, String target, boolean force, boolean started, String message) {
  }
}
