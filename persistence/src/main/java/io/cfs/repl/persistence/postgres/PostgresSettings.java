package io.cfs.repl.persistence.postgres;

import static io.cfs.repl.persistence.Settings.require;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * Settings of the PostgreSQL storage backend, from {@code cfs-repl.persistence.postgres} (documented in
 * reference.conf).
 *
 * @param url JDBC url of the database
 * @param user database user
 * @param password database password (empty with trust auth)
 * @param maxPoolSize connections one node keeps for the journal and the store together
 * @param connectTimeout how long to wait for a connection before an operation fails
 * @param tailPollInterval how often a tail looks for appends made by other nodes when no notification came
 * @param idleInTransactionTimeout how long the database lets a session sit in an open transaction
 */
public record PostgresSettings(String url, String user, String password, int maxPoolSize, Duration connectTimeout,
                               Duration tailPollInterval, Duration idleInTransactionTimeout) {
  public static final String PATH = "cfs-repl.persistence.postgres";

  public PostgresSettings {
    require(url != null && url.startsWith("jdbc:postgresql:"), PATH + ".url must be a jdbc:postgresql: url, was " + url);
    require(maxPoolSize >= 2 && maxPoolSize <= 100, PATH + ".max-pool-size must be within 2 and 100, was " + maxPoolSize);
    require(!connectTimeout.isNegative() && connectTimeout.toMillis() >= 250,
        PATH + ".connect-timeout must be at least 250ms, was " + connectTimeout);
    require(tailPollInterval.toMillis() >= 10, PATH + ".tail-poll-interval must be at least 10ms, was " + tailPollInterval);
    require(idleInTransactionTimeout.toMillis() >= 100,
        PATH + ".idle-in-transaction-timeout must be at least 100ms, was " + idleInTransactionTimeout);
  }

  public static PostgresSettings create(Config config) {
    Config c = config.getConfig(PATH);
    return new PostgresSettings(c.getString("url"), c.getString("user"), c.getString("password"),
        c.getInt("max-pool-size"), c.getDuration("connect-timeout"), c.getDuration("tail-poll-interval"),
        c.getDuration("idle-in-transaction-timeout"));
  }

  /** The session options every connection of a node gets (see idle-in-transaction-timeout). */
  public String sessionOptions() {
    return "-c idle_in_transaction_session_timeout=" + idleInTransactionTimeout.toMillis();
  }

  /** {@link #url} with {@link #sessionOptions} as the driver's {@code options} parameter, for pools built from a url. */
  public String urlWithSessionOptions() {
    return url + (url.contains("?") ? "&" : "?") + "options="
        + java.net.URLEncoder.encode(sessionOptions(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The defaults of reference.conf. */
  public static PostgresSettings defaults() {
    return create(ConfigFactory.defaultReference());
  }
}
