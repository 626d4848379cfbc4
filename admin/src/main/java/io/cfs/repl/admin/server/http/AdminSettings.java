package io.cfs.repl.admin.server.http;

import com.typesafe.config.Config;
import io.cfs.repl.admin.server.auth.TokenConfig;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.admin} (documented in the admin module's reference.conf), read once and validated.
 *
 * @param token the bearer token mutating routes require; empty when none is configured (they are then refused)
 * @param askTimeout how long a route waits for the replicators
 * @param degradedLag a link lagging more than this in time is DEGRADED
 * @param degradedLagEntries a link lagging more than this many entries is DEGRADED
 * @param downAfter a link not CONNECTED for longer than this is DOWN
 * @param eventInterval how often {@code GET /replication/events} sends a snapshot of every link
 */
public record AdminSettings(String token, Duration askTimeout, Duration degradedLag, long degradedLagEntries,
                            Duration downAfter, Duration eventInterval) {
  public static final String PATH = "cfs-repl.admin";

  public AdminSettings {
    require(token != null, "token must not be null (empty for none)");
    require(positive(askTimeout), "ask-timeout must be > 0");
    require(positive(degradedLag), "health.degraded-lag must be > 0");
    require(degradedLagEntries > 0, "health.degraded-lag-entries must be > 0");
    require(positive(downAfter), "health.down-after must be > 0");
    require(positive(eventInterval), "events.interval must be > 0");
  }

  public static AdminSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new AdminSettings(TokenConfig.read(c, PATH), c.getDuration("ask-timeout"),
        c.getDuration("health.degraded-lag"), c.getLong("health.degraded-lag-entries"),
        c.getDuration("health.down-after"), c.getDuration("events.interval"));
  }

  public boolean tokenConfigured() {
    return !token.isEmpty();
  }

  /** Keeps the token out of logs. */
  @Override
  public String toString() {
    return "AdminSettings[token=" + (tokenConfigured() ? "<set>" : "<none>") + ", askTimeout=" + askTimeout
        + ", degradedLag=" + degradedLag + ", degradedLagEntries=" + degradedLagEntries + ", downAfter=" + downAfter
        + "]";
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(PATH + "." + message);
  }
}
