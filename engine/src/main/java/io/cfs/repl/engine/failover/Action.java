package io.cfs.repl.engine.failover;

/**
 * What the caller (the SplitBrainResolver actor, or a test) must do, in list order. A {@link Persist} must be durable
 * before any later {@link Send} of the same list leaves the site.
 */
public sealed interface Action {

  record Persist(FailoverEvent event) implements Action {}

  record Send(String to, FailoverMessage message) implements Action {}

  /** A peer's health changed (an audit event). */
  record HealthChanged(String peer, PeerHealth from, PeerHealth to) implements Action {}

  /** An operator's failover to {@code target} was refused or gave up; the site keeps or resumes its role. */
  record ManualFailoverFailed(String target, String reason) implements Action {}
}
