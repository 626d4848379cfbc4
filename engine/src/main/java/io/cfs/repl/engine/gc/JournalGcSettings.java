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
 * @param tombstoneMinAge how old a tombstone must be, besides applied by every site, to be collected
 * @param tombstoneMaxPerRound per origin, the most tombstones one round looks at
 * @param capPolicy what the cap does: drop the peer holding the horizon back, or refuse appends
 */
public record JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout,
                                long maxJournalBytes, Duration maxJournalAge, Duration tombstoneMinAge,
                                int tombstoneMaxPerRound, CapPolicy capPolicy) {
  /** What the retention cap does once reached. */
  public enum CapPolicy {
    /** The slowest peer is marked to need a snapshot resync, and collection goes on past it. */
    DROP_PEER,
    /** Appends are refused (typed, 507 on ingest) until the journal is back under the cap; no peer is dropped. */
    REFUSE_WRITES
  }

  public static final String PATH = "cfs-repl.journal-gc";
  /** reference.conf's tombstone settings, for settings built in code. */
  public static final Duration DEFAULT_TOMBSTONE_MIN_AGE = Duration.ofHours(1);
  public static final int DEFAULT_TOMBSTONE_MAX_PER_ROUND = 10_000;

  public JournalGcSettings {
    require(positive(interval), "interval must be > 0");
    require(keepEntries >= 0, "keep-entries must be >= 0, was " + keepEntries);
    require(positive(askTimeout), "ask-timeout must be > 0");
    require(maxJournalBytes >= 0, "max-journal-bytes must be >= 0 (0: no cap), was " + maxJournalBytes);
    require(maxJournalAge != null && !maxJournalAge.isNegative(), "max-journal-age must be >= 0 (0: no cap)");
    require(tombstoneMinAge != null && !tombstoneMinAge.isNegative(), "tombstone-min-age must be >= 0");
    require(tombstoneMaxPerRound >= 1, "tombstone-max-per-round must be >= 1, was " + tombstoneMaxPerRound);
    require(capPolicy != null, "cap-policy must be drop-peer or refuse-writes");
    // every node measures the journal itself under refuse-writes, without the peers' cursors: the oldest entry held
    // then includes those kept past everyone, which age on a shard that stops taking writes, and with writes refused
    // nothing would ever move the window again
    require(capPolicy == CapPolicy.DROP_PEER || maxJournalAge.isZero(), "max-journal-age applies to cap-policy"
        + " drop-peer only; under refuse-writes bound the journal by max-journal-bytes");
  }

  /** Settings with reference.conf's tombstone collection and a cap that drops peers. */
  public JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout,
                           long maxJournalBytes, Duration maxJournalAge) {
    this(enabled, interval, keepEntries, askTimeout, maxJournalBytes, maxJournalAge, DEFAULT_TOMBSTONE_MIN_AGE,
        DEFAULT_TOMBSTONE_MAX_PER_ROUND, CapPolicy.DROP_PEER);
  }

  /** Settings with reference.conf's tombstone collection. */
  public JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout,
                           long maxJournalBytes, Duration maxJournalAge, CapPolicy capPolicy) {
    this(enabled, interval, keepEntries, askTimeout, maxJournalBytes, maxJournalAge, DEFAULT_TOMBSTONE_MIN_AGE,
        DEFAULT_TOMBSTONE_MAX_PER_ROUND, capPolicy);
  }

  /** Settings without a retention cap. */
  public JournalGcSettings(boolean enabled, Duration interval, long keepEntries, Duration askTimeout) {
    this(enabled, interval, keepEntries, askTimeout, 0, Duration.ZERO, CapPolicy.DROP_PEER);
  }

  /**
   * The hlc (epoch ns) a tombstone must be older than, at {@code nowMillis}, to be collected: ns, as hlcs are, capped
   * at the epoch so that a min-age beyond it collects nothing rather than wrapping around.
   */
  public long tombstonesOlderThanHlc(long nowMillis) {
    return Math.max(0, nowMillis - tombstoneMinAge.toMillis()) * 1_000_000L;
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
        c.getDuration("tombstone-min-age"), c.getInt("tombstone-max-per-round"),
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
