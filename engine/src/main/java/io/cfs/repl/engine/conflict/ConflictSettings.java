package io.cfs.repl.engine.conflict;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.conflicts} (documented in reference.conf), read once and validated.
 *
 * @param auditInterval how often the site's conflict auditor copies new conflicts into the audit trail
 * @param pollInterval how often a subscription with nothing to send looks again for conflicts recorded by another node
 *     of the site (this node's own applies wake it at once)
 * @param batch at most this many conflicts per read, for the auditor and for a subscription
 */
public record ConflictSettings(Duration auditInterval, Duration pollInterval, int batch) {
  public static final String PATH = "cfs-repl.conflicts";

  public ConflictSettings {
    require(positive(auditInterval), "audit-interval must be > 0");
    require(positive(pollInterval), "poll-interval must be > 0");
    require(batch > 0 && batch <= 10_000, "batch must be within 1 and 10000, was " + batch);
  }

  public static ConflictSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new ConflictSettings(c.getDuration("audit-interval"), c.getDuration("poll-interval"), c.getInt("batch"));
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + message);
  }
}
