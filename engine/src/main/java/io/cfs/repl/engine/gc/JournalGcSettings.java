package io.cfs.repl.engine.gc;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.journal-gc} (documented in reference.conf), read once and validated.
 *
 * @param enabled whether rounds remove entries (off: they only measure)
 * @param interval how often a round runs
 * @param keepEntries per shard, the newest entries kept even when every peer has them
 * @param askTimeout how long a round waits for each replicator's cursors
 */
public record JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout) {
  public static final String PATH = "cfs-repl.journal-gc";

  public JournalGcSettings {
    require(positive(interval), "interval must be > 0");
    require(keepEntries >= 0, "keep-entries must be >= 0, was " + keepEntries);
    require(positive(askTimeout), "ask-timeout must be > 0");
  }

  public static JournalGcSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new JournalGcSettings(c.getBoolean("enabled"), c.getDuration("interval"), c.getLong("keep-entries"),
        c.getDuration("ask-timeout"));
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + message);
  }
}
