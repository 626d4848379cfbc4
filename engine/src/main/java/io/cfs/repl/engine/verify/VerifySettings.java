package io.cfs.repl.engine.verify;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Settings of verify-and-repair, read once from {@code cfs-repl.verify} (documented in this module's
 * {@code reference.conf}).
 *
 * @param requestTimeout how long one request to the peer (a tree build is one: a full scan) may take
 * @param maxListed at most this many differing inodes are listed in a report (all are counted and repaired)
 * @param valuesPerRequest inode values per Fetch or Repair request: as many of the largest payload the journal takes
 *     as fit in half a frame, at most {@value #MAX_VALUES_PER_REQUEST}
 */
public record VerifySettings(Duration requestTimeout, int maxListed, int valuesPerRequest) {
  private static final String PREFIX = "cfs-repl.verify.";
  static final int MAX_VALUES_PER_REQUEST = 128;
  /** A value's encoding beyond its payload: inode, version, site, flags, lengths. */
  private static final int VALUE_OVERHEAD_BYTES = 512;

  public VerifySettings {
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(PREFIX + "request-timeout must be a positive duration, was "
          + requestTimeout);
    }
    if (maxListed < 0) throw new IllegalArgumentException(PREFIX + "max-listed must be >= 0, was " + maxListed);
    if (valuesPerRequest < 1) throw new IllegalArgumentException("valuesPerRequest must be >= 1: " + valuesPerRequest);
  }

  /** Settings with the most values per request (payloads small enough for any frame). */
  public VerifySettings(Duration requestTimeout, int maxListed) {
    this(requestTimeout, maxListed, MAX_VALUES_PER_REQUEST);
  }

  public static VerifySettings create(Config root) {
    try {
      long frame = root.getBytes("cfs-repl.transport.max-frame-bytes");
      long payload = root.getBytes("cfs-repl.persistence.journal.max-payload-bytes");
      int perRequest = (int) Math.max(1,
          Math.min(MAX_VALUES_PER_REQUEST, frame / 2 / (payload + VALUE_OVERHEAD_BYTES)));
      return new VerifySettings(root.getDuration(PREFIX + "request-timeout"), root.getInt(PREFIX + "max-listed"),
          perRequest);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid verify setting: " + e.getMessage(), e);
    }
  }
}
