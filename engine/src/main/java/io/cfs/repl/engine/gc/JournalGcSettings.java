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
 * @param maxJournalBytes the retention cap on what the journal holds, in bytes; 0 for none
 * @param maxJournalAge the retention cap on the age of the oldest entry held; zero for none
 * @param capPolicy what the cap does: drop the peer holding the horizon back, or refuse appends
 */
public record JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout,
                                long maxJournalBytes, Duration maxJournalAge, CapPolicy capPolicy) {
  /** What the retention cap does once reached. */
  public enum CapPolicy {
    /** The slowest peer is marked to need a snapshot resync, and collection goes on past it. */
    DROP_PEER,
    /** Appends are refused (typed, 507 on ingest) until the journal is back under the cap; no peer is dropped. */
    REFUSE_WRITES
  }

  public static final String PATH = "cfs-repl.journal-gc";

  public JournalGcSettings {
    require(positive(interval), "interval must be > 0");
    require(keepEntries >= 0, "keep-entries must be >= 0, was " + keepEntries);
    require(positive(askTimeout), "ask-timeout must be > 0");
    require(maxJournalBytes >= 0, "max-journal-bytes must be >= 0 (0: no cap), was " + maxJournalBytes);
    require(maxJournalAge != null && !maxJournalAge.isNegative(), "max-journal-age must be >= 0 (0: no cap)");
    require(capPolicy != null, "cap-policy must be drop-peer or refuse-writes");
  }

  /** Settings with a cap that drops peers. */
  public JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout,
                           long maxJournalBytes, Duration maxJournalAge) {
    this(enabled, interval, keepEntries, askTimeout, maxJournalBytes, maxJournalAge, CapPolicy.DROP_PEER);
  }

  /** Settings without a retention cap. */
  public JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout) {
    this(enabled, interval, keepEntries, askTimeout, 0, Duration.ZERO, CapPolicy.DROP_PEER);
  }

  /** Whether a journal holding {@code bytes}, its oldest entry {@code oldestAgeMillis} old, is past a cap. */
  public boolean overCap(long bytes, long oldestAgeMillis) {
    return maxJournalBytes > 0 && bytes > maxJournalBytes
        || !maxJournalAge.isZero() && oldestAgeMillis > maxJournalAge.toMillis();
  }

  public static JournalGcSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new JournalGcSettings(c.getBoolean("enabled"), c.getDuration("interval"), c.getLong("keep-entries"),
        c.getDuration("ask-timeout"), c.getBytes("max-journal-bytes"), c.getDuration("max-journal-age"),
        capPolicy(c.getString("cap-policy")));
  }

  private static CapPolicy capPolicy(String value) {
    return switch (value) {
      case "drop-peer" -> CapPolicy.DROP_PEER;
      case "refuse-writes" -> CapPolicy.REFUSE_WRITES;
      default -> throw new IllegalArgumentException(PATH + ".cap-policy must be drop-peer or refuse-writes, was "
          + value);
    };
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + message);
  }
}
