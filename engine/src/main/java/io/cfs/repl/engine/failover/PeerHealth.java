package io.cfs.repl.engine.failover;

/** A peer's health as seen from here, from the age of the last message heard from it and from its link's lag. */
public enum PeerHealth {
  /** Heard within {@code degraded-after-missed} heartbeat intervals. */
  HEALTHY,
  /**
   * Missed at least {@code degraded-after-missed} heartbeats but heard within {@code down-after}, or heard in time
   * while its link's lag is over {@code degraded-lag}.
   */
  DEGRADED,
  /** Not heard for {@code down-after} (or never heard in the {@code down-after} since this resolver started). */
  DOWN,
  /**
   * Not heard yet, and this resolver started less than {@code down-after} ago: too early to say. Status ignores it, so
   * a node's start does not show its peers DOWN for the moment their first heartbeats take.
   */
  UNKNOWN
}
