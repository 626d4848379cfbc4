package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * Derives the Pekko settings that follow from {@code cfs-repl.node} (remoting address, contact points, where the
 * cursors are stored: H2 under the data dir, or the site's PostgreSQL database), so an operator configures a node in
 * one place.
 */
public final class NodeConfig {
  private static final String OVERRIDES = "cfs-repl-overrides.conf";
  private NodeConfig() {
  }

  /** The user's config (already merged with reference.conf) plus the derived keys; resolved. */
  public static Config effective(Config user) {
    Config base = user.resolve();
    NodeSettings s = NodeSettings.create(base);
    Map<String, Object> derived = new HashMap<>();
    derived.put("pekko.remote.artery.canonical.hostname", s.clusterHost());
    derived.put("pekko.remote.artery.canonical.port", s.clusterPort());
    if (!s.contactPoints().isEmpty()) {
      // Cluster Bootstrap (started with the admin HTTP): the site's nodes find each other on their admin endpoints
      String service = "cfs-repl-" + s.siteId();
      String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
      derived.put(bootstrap + "service-name", service);
      derived.put(bootstrap + "discovery-method", "config");
      derived.put(bootstrap + "required-contact-point-nr", s.contactPoints().size());
      derived.put("pekko.discovery.config.services." + service + ".endpoints", s.contactPoints().stream()
          .map(a -> Map.of("host", a.getHostString(), "port", a.getPort())).toList());
    }
    String slick = "pekko-persistence-jdbc.shared-databases.slick.";
    if (s.storage() == NodeSettings.Storage.POSTGRES) {
      Config pg = base.getConfig(PostgresSettings.PATH);
      derived.put(slick + "profile", "slick.jdbc.PostgresProfile$");
      // the cursor journal's own pool gets the same session timeout as the node's: a frozen node's event write must
      // not hold the lease row its fence trigger reads FOR SHARE (nor anything else) for longer
      derived.put(slick + "db.url", PostgresSettings.create(base).urlWithSessionOptions());
      derived.put(slick + "db.user", pg.getString("user"));
      derived.put(slick + "db.password", pg.getString("password"));
      derived.put(slick + "db.driver", "org.postgresql.Driver");
    } else {
      String file = s.dataDir().resolve("cursors").resolve("cursors").toString();
      derived.put(slick + "profile", "slick.jdbc.H2Profile$");
      // WRITE_DELAY=0: H2 otherwise keeps committed transactions in memory for up to a second (longer on a starved
      // machine), so a node killed -9 lost cursor events Pekko had reported persisted, and resent what its peer had
      // already acknowledged. Now a commit reaches the file before the persist completes (CursorDurabilityTest).
      derived.put(slick + "db.url", "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
      derived.put(slick + "db.driver", "org.h2.Driver");
    }
    return ConfigFactory.parseMap(derived).withFallback(base).resolve();
  }

  /**
   * Every module's {@code cfs-repl-overrides.conf} (settings for the libraries we run on) layered over all
   * reference.conf files and under application.conf / system properties. Resolved; not validated as a node.
   */
  public static Config base() {
    ConfigFactory.invalidateCaches();
    Config application = ConfigFactory.defaultOverrides().withFallback(ConfigFactory.defaultApplication());
    return application.withFallback(ConfigFactory.parseResources(OVERRIDES))
        .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
  }

  /** The operator's settings over {@link #base()}, plus the derived keys. */
  public static Config load(Config operator) {
    return effective(operator.withFallback(base()));
  }

}
