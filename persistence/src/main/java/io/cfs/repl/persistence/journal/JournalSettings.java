package io.cfs.repl.persistence.journal;

import static io.cfs.repl.persistence.Settings.require;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import io.cfs.repl.persistence.RocksDbSettings;

/**
 * Settings of the local journal, from {@code cfs-repl.persistence.journal} (documented in reference.conf).
 *
 * @param maxPayloadBytes largest payload of one entry; bigger ones refuse their append with PAYLOAD_TOO_LARGE
 * @param maxAppendEntries most entries in one append call; more refuse it with BATCH_TOO_LARGE
 * @param sync whether each group commit is fsync'd before its appends complete
 * @param tailCacheBytes bytes of recently written entries the tails read from memory
 * @param maxClockOffset how far ahead of this node's wall clock an entry's hlc may be; further refuses its append
 *     with CLOCK_AHEAD
 * @param rocksdb storage engine tuning
 */
public record JournalSettings(int maxPayloadBytes, int maxAppendEntries, boolean sync, long tailCacheBytes,
                              Duration maxClockOffset, RocksDbSettings rocksdb) {
  public static final String PATH = "cfs-repl.persistence.journal";

  /** Payloads are metadata records; anything near this bound is a client bug, not a filesystem need. */
  static final int PAYLOAD_LIMIT = 16 << 20;

  public JournalSettings {
    require(maxPayloadBytes >= 0 && maxPayloadBytes <= PAYLOAD_LIMIT,
        PATH + ".max-payload-bytes must be within 0 and 16 MiB, was " + maxPayloadBytes);
    require(maxAppendEntries >= 1 && maxAppendEntries <= 1_000_000,
        PATH + ".max-append-entries must be within 1 and 1000000, was " + maxAppendEntries);
    require(tailCacheBytes >= 0, PATH + ".tail-cache-bytes must be >= 0, was " + tailCacheBytes);
    require(maxClockOffset != null && !maxClockOffset.isNegative() && !maxClockOffset.isZero(),
        PATH + ".max-clock-offset must be positive, was " + maxClockOffset);
    require(rocksdb != null, PATH + ".rocksdb is required");
  }

  /** Reads {@value #PATH} from the application config (reference.conf holds the defaults). */
  public static JournalSettings create(Config config) {
    Config c = config.getConfig(PATH);
    long payload = c.getBytes("max-payload-bytes");
    require(payload <= PAYLOAD_LIMIT, PATH + ".max-payload-bytes must be at most 16 MiB, was " + payload);
    return new JournalSettings((int) payload, c.getInt("max-append-entries"), c.getBoolean("sync"),
        c.getBytes("tail-cache-bytes"), c.getDuration("max-clock-offset"),
        RocksDbSettings.create(config, PATH + ".rocksdb"));
  }

  /** The defaults of reference.conf. */
  public static JournalSettings defaults() {
    return create(ConfigFactory.defaultReference());
  }
}
