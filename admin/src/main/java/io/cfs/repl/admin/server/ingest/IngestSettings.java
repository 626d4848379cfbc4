package io.cfs.repl.admin.server.ingest;

import com.typesafe.config.Config;
import io.cfs.repl.admin.server.auth.TokenConfig;
import io.cfs.repl.admin.server.https.HttpsSettings;

/**
 * Typed view of {@code cfs-repl.ingest} (documented in the admin module's reference.conf).
 *
 * @param host interface the ingest listener binds to
 * @param port its port, 0 for a free one
 * @param token bearer token every request must present; empty for none
 * @param maxEntriesPerRequest most entries in one POST body or WebSocket message
 * @param maxRequestBytes largest POST body or WebSocket message
 * @param maxInFlightAppends POST requests appending at once before further ones are answered 503
 * @param streamParallelism batches of one WebSocket stream appending at once
 * @param bodyReadTimeout how long a POST body may take to arrive in full before the request is answered 408
 * @param maxConnections ingest connections open at once; one more is answered 503 and closed
 * @param appendQueueTimeout how long a POST whose body has arrived waits for an append permit before 503 BUSY
 * @param https whether the listener serves HTTPS, and with which files
 */
public record IngestSettings(String host, int port, String token, int maxEntriesPerRequest, int maxRequestBytes,
                             int maxInFlightAppends, int streamParallelism, java.time.Duration bodyReadTimeout,
                             int maxConnections, java.time.Duration appendQueueTimeout, HttpsSettings https) {
  public static final String PATH = "cfs-repl.ingest";

  /** A body is held in one array, and the journal refuses anything near this size anyway. */
  private static final long MAX_REQUEST_BYTES_LIMIT = 1L << 30;

  public IngestSettings {
    require(host != null && !host.isBlank(), "host must not be empty");
    require(port >= 0 && port <= 65535, "port must be within 0 and 65535, was " + port);
    require(token != null, "token must not be null (empty for no authentication)");
    require(maxEntriesPerRequest >= 1, "max-entries-per-request must be >= 1, was " + maxEntriesPerRequest);
    require(maxRequestBytes >= 1, "max-request-bytes must be >= 1, was " + maxRequestBytes);
    require(maxInFlightAppends >= 1, "max-in-flight-appends must be >= 1, was " + maxInFlightAppends);
    require(streamParallelism >= 1 && streamParallelism <= 64,
        "stream-parallelism must be within 1 and 64, was " + streamParallelism);
    require(bodyReadTimeout != null && bodyReadTimeout.toMillis() >= 100,
        "body-read-timeout must be at least 100ms, was " + bodyReadTimeout);
    require(maxConnections >= 1, "max-connections must be >= 1, was " + maxConnections);
    require(https != null, "https must not be null");
    require(appendQueueTimeout != null && !appendQueueTimeout.isNegative(),
        "append-queue-timeout must not be negative, was " + appendQueueTimeout);
  }

  public static IngestSettings create(Config root) {
    Config c = root.getConfig(PATH);
    long maxRequestBytes = c.getBytes("max-request-bytes");
    require(maxRequestBytes <= MAX_REQUEST_BYTES_LIMIT, "max-request-bytes must be at most 1 GiB, was "
        + maxRequestBytes);
    return new IngestSettings(c.getString("host"), c.getInt("port"), TokenConfig.read(c, PATH),
        c.getInt("max-entries-per-request"), (int) maxRequestBytes, c.getInt("max-in-flight-appends"),
        c.getInt("stream-parallelism"), c.getDuration("body-read-timeout"), c.getInt("max-connections"),
        c.getDuration("append-queue-timeout"), HttpsSettings.create(root, PATH));
  }

  public boolean requiresToken() {
    return !token.isEmpty();
  }

  /** Keeps the token out of logs and error messages. */
  @Override
  public String toString() {
    return "IngestSettings[host=" + host + ", port=" + port + ", token=" + (requiresToken() ? "<set>" : "<none>")
        + ", maxEntriesPerRequest=" + maxEntriesPerRequest + ", maxRequestBytes=" + maxRequestBytes
        + ", maxInFlightAppends=" + maxInFlightAppends + ", streamParallelism=" + streamParallelism
        + ", bodyReadTimeout=" + bodyReadTimeout + ", maxConnections=" + maxConnections
        + ", appendQueueTimeout=" + appendQueueTimeout + ", https=" + https.enabled() + "]";
  }

  private static void require(boolean condition, String message) {
    if (!condition) throw new IllegalArgumentException(PATH + "." + message);
  }
}
