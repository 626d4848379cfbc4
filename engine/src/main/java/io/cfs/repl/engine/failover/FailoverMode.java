package io.cfs.repl.engine.failover;

/** How a mesh's sites share writes ({@code cfs-repl.failover.mode}), the same on every site. */
public enum FailoverMode {
  /** Every site takes writes and LWW reconciles them: no roles, no elections, epoch 0; heartbeats only tell health. */
  ACTIVE_ACTIVE,
  /** One primary takes writes; when it is DOWN a secondary is elected by a majority of the voters. */
  ACTIVE_PASSIVE;

  /** The config spelling: "active-active" or "active-passive". */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
