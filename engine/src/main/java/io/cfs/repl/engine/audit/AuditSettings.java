package io.cfs.repl.engine.audit;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.audit} (documented in reference.conf), read once and validated.
 *
 * @param maxAge records older than this are removed by collection
 * @param maxRecords collection removes the oldest records beyond this many
 * @param collectEvery how often collection runs
 * @param queueCapacity records waiting to be written; beyond it new records are dropped (counted, logged)
 * @param batchMaxRecords at most this many records per write
 */
public record AuditSettings(Duration maxAge, long maxRecords, Duration collectEvery, int queueCapacity,
                            int batchMaxRecords) {
  public static final String PATH = "cfs-repl.audit";

  public AuditSettings {
    require(positive(maxAge), "max-age must be > 0");
    require(maxRecords > 0, "max-records must be > 0, was " + maxRecords);
    require(positive(collectEvery), "collect-every must be > 0");
    require(queueCapacity > 0, "queue-capacity must be > 0, was " + queueCapacity);
    require(batchMaxRecords > 0 && batchMaxRecords <= queueCapacity,
        "batch-max-records must be within 1 and queue-capacity, was " + batchMaxRecords);
  }

  public static AuditSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new AuditSettings(c.getDuration("max-age"), c.getLong("max-records"), c.getDuration("collect-every"),
        c.getInt("queue-capacity"), c.getInt("batch-max-records"));
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + message);
  }
}
