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
 */
public record VerifySettings(Duration requestTimeout, int maxListed) {
  private static final String PREFIX = "cfs-repl.verify.";

  public VerifySettings {
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(PREFIX + "request-timeout must be a positive duration, was "
          + requestTimeout);
    }
    if (maxListed < 0) throw new IllegalArgumentException(PREFIX + "max-listed must be >= 0, was " + maxListed);
  }

  public static VerifySettings create(Config root) {
    try {
      return new VerifySettings(root.getDuration(PREFIX + "request-timeout"), root.getInt(PREFIX + "max-listed"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid verify setting: " + e.getMessage(), e);
    }
  }
}
