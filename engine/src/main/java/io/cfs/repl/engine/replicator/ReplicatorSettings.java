package io.cfs.repl.engine.replicator;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.replicator} (documented in reference.conf), read once and validated.
 */
public record ReplicatorSettings(
    int batchMaxEntries,
    long batchMaxBytes,
    int snapshotEvery,
    Duration backoffMin,
    Duration backoffMax,
    double backoffRandomFactor,
    Duration ackTimeout,
    Duration cursorPersistInterval,
    Duration clockSkewWarn,
    Duration clockSkewWindow,
    Duration lagRefresh,
    String readDispatcher,
    Duration throttleBurst) {

  public ReplicatorSettings {
    require(batchMaxEntries > 0, "batch-max-entries must be > 0");
    require(batchMaxBytes > 0, "batch-max-bytes must be > 0");
    require(snapshotEvery > 0, "snapshot-every must be > 0");
    require(!backoffMin.isNegative() && !backoffMin.isZero(), "backoff.min must be > 0");
    require(backoffMax.compareTo(backoffMin) >= 0, "backoff.max must be >= backoff.min");
    require(backoffRandomFactor >= 0 && backoffRandomFactor <= 1, "backoff.random-factor must be in [0, 1]");
    require(!ackTimeout.isNegative() && !ackTimeout.isZero(), "ack-timeout must be > 0");
    require(!cursorPersistInterval.isNegative() && !cursorPersistInterval.isZero(),
        "cursor-persist-interval must be > 0");
    require(!clockSkewWarn.isNegative() && !clockSkewWarn.isZero(), "clock-skew-warn must be > 0");
    require(!clockSkewWindow.isNegative() && !clockSkewWindow.isZero(), "clock-skew-window must be > 0");
    require(!lagRefresh.isNegative() && !lagRefresh.isZero(), "lag-refresh must be > 0");
    require(readDispatcher != null && !readDispatcher.isBlank(), "read-dispatcher is required");
    require(!throttleBurst.isNegative() && !throttleBurst.isZero(), "throttle-burst must be > 0");
  }

  public static ReplicatorSettings create(Config root) {
    Config c = root.getConfig("cfs-repl.replicator");
    return new ReplicatorSettings(
        c.getInt("batch-max-entries"),
        c.getBytes("batch-max-bytes"),
        c.getInt("snapshot-every"),
        c.getDuration("backoff.min"),
        c.getDuration("backoff.max"),
        c.getDouble("backoff.random-factor"),
        c.getDuration("ack-timeout"),
        c.getDuration("cursor-persist-interval"),
        c.getDuration("clock-skew-warn"),
        c.getDuration("clock-skew-window"),
        c.getDuration("lag-refresh"),
        c.getString("read-dispatcher"),
        c.getDuration("throttle-burst"));
  }

  /** Exponential backoff with jitter for the given attempt (1-based). */
  public Duration backoff(int attempt, double random01) {
    double base = backoffMin.toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
    double capped = Math.min(base, backoffMax.toMillis());
    double jittered = capped * (1 + backoffRandomFactor * random01);
    return Duration.ofMillis((long) jittered);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("cfs-repl.replicator: " + message);
  }
}
