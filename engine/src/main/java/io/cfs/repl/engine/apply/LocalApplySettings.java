package io.cfs.repl.engine.apply;

import com.typesafe.config.Config;
import java.time.Duration;

/** Typed view of {@code cfs-repl.local-apply} (documented in reference.conf). */
public record LocalApplySettings(int batchMaxEntries, long batchMaxBytes, Duration backoffMin, Duration backoffMax,
                                 double backoffRandomFactor, String readDispatcher) {
  public LocalApplySettings {
    require(batchMaxEntries > 0, "batch-max-entries must be > 0");
    require(batchMaxBytes > 0, "batch-max-bytes must be > 0");
    require(!backoffMin.isNegative() && !backoffMin.isZero(), "backoff.min must be > 0");
    require(backoffMax.compareTo(backoffMin) >= 0, "backoff.max must be >= backoff.min");
    require(backoffRandomFactor >= 0 && backoffRandomFactor <= 1, "backoff.random-factor must be in [0, 1]");
    require(readDispatcher != null && !readDispatcher.isBlank(), "read-dispatcher is required");
  }

  public static LocalApplySettings create(Config root) {
    Config c = root.getConfig("cfs-repl.local-apply");
    return new LocalApplySettings(c.getInt("batch-max-entries"), c.getBytes("batch-max-bytes"),
        c.getDuration("backoff.min"), c.getDuration("backoff.max"), c.getDouble("backoff.random-factor"),
        c.getString("read-dispatcher"));
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("cfs-repl.local-apply." + message);
  }
}
