package io.cfs.repl.engine.failover;

/** A peer's health as seen from here, from the age of the last message heard from it. */
public enum PeerHealth {
  /** Heard within {@code degraded-after-missed} heartbeat intervals. */
  HEALTHY,
  /** Missed at least {@code degraded-after-missed} heartbeats, but heard within {@code down-after}. */
  DEGRADED,
  /** Not heard for {@code down-after} (or never heard since this resolver started). */
  DOWN
}
