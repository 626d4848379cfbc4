package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cfs.repl.model.entry.InvalidEntryException;
import io.cfs.repl.model.entry.JournalEntry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Typed view of {@code cfs-repl.node} (documented in the engine's reference.conf), validated at startup. */
public record NodeSettings(
    String siteId,
    Path dataDir,
    String linkHost,
    int linkPort,
    String clusterHost,
    int clusterPort,
    List<InetSocketAddress> contactPoints,
    Map<String, PeerAddress> peers,
    Storage storage) {

  /** Where the journal, the metadata store and the replicator cursors live. */
  public enum Storage {
    /** RocksDB and H2 under the node's data dir: no server needed, one node per site. */
    EMBEDDED,
    /** One PostgreSQL database shared by every node of the site. */
    POSTGRES
  }

  public NodeSettings {
    contactPoints = List.copyOf(contactPoints);
    peers = Map.copyOf(peers);
  }

  public static NodeSettings create(Config root) {
    Config c = root.getConfig("cfs-repl.node");
    String site = c.getString("site-id");
    try {
      JournalEntry.validateSiteId(site);
    } catch (InvalidEntryException e) {
      throw new ConfigException.BadValue("cfs-repl.node.site-id", e.getMessage());
    }
    String dir = c.getString("data-dir");
    if (dir.isBlank()) throw new ConfigException.BadValue("cfs-repl.node.data-dir", "is required");
    Map<String, PeerAddress> peers = new TreeMap<>();
    Config peerBlock = c.getConfig("peers");
    for (String peer : peerBlock.root().keySet()) {
      if (peer.equals(site)) {
        throw new ConfigException.BadValue("cfs-repl.node.peers." + peer, "a site cannot be its own peer");
      }
      peers.put(peer, peerAddress(peer, peerBlock.getConfig(quote(peer))));
    }
    Storage storage = storage(c.getString("storage"));
    if (c.hasPath("cluster.seed-nodes")) {
      throw new ConfigException.BadValue("cfs-repl.node.cluster.seed-nodes", "is no longer read: list the admin "
          + "(Pekko Management) endpoints of the site's nodes in cluster.contact-points instead. With seed nodes, a "
          + "restarted first seed that heard from no other seed within seed-node-timeout formed a second cluster");
    }
    List<InetSocketAddress> contactPoints = c.getStringList("cluster.contact-points").stream()
        .map(point -> hostPort(point, "cluster.contact-points")).toList();
    if (!contactPoints.isEmpty() && storage == Storage.EMBEDDED) {
      throw new ConfigException.BadValue("cfs-repl.node.storage", "embedded storage keeps the journal under one "
          + "node's data dir, so a site of several nodes (cluster.contact-points is set) needs storage = postgres");
    }
    return new NodeSettings(site, Path.of(dir).toAbsolutePath(), c.getString("link.host"),
        port(c, "link.port", "link.port"), c.getString("cluster.host"), c.getInt("cluster.port"),
        contactPoints, peers, storage);
  }

  private static Storage storage(String value) {
    return switch (value) {
      case "embedded" -> Storage.EMBEDDED;
      case "postgres" -> Storage.POSTGRES;
      default -> throw new ConfigException.BadValue("cfs-repl.node.storage", "must be embedded or postgres, was "
          + value);
    };
  }

  /**
   * Either {@code addresses = ["host:port", ...]} (one per node of the peer site) or {@code host} and {@code port};
   * and an optional {@code throttle}.
   */
  private static PeerAddress peerAddress(String peer, Config p) {
    String key = "peers." + peer;
    long throttle = throttle(p, key + ".throttle");
    if (p.hasPath("addresses")) {
      List<String> listed = p.getStringList("addresses");
      if (listed.isEmpty()) throw new ConfigException.BadValue("cfs-repl.node." + key + ".addresses", "is empty");
      return new PeerAddress(peer, listed.stream().map(a -> hostPort(a, key + ".addresses")).toList(), throttle);
    }
    InetSocketAddress address = InetSocketAddress.createUnresolved(p.getString("host"), port(p, "port", key + ".port"));
    return new PeerAddress(peer, List.of(address), throttle);
  }

  /** Bytes per second in HOCON's size syntax ("10MiB", 1048576); absent, "off" or 0: unlimited. */
  private static long throttle(Config p, String key) {
    if (!p.hasPath("throttle")) return 0;
    Object raw = p.getValue("throttle").unwrapped();
    if ("off".equals(raw)) return 0;
    if (raw instanceof Number n && n.doubleValue() < 0) {
      throw new ConfigException.BadValue("cfs-repl.node." + key, "must not be negative (0 or \"off\": unlimited), was "
          + raw);
    }
    try {
      return p.getBytes("throttle");
    } catch (ConfigException e) {
      throw new ConfigException.BadValue("cfs-repl.node." + key, "must be bytes per second (e.g. \"10MiB\", "
          + "1048576) or \"off\", was " + p.getValue("throttle").render());
    }
  }

  private static InetSocketAddress hostPort(String value, String key) {
    int colon = value.lastIndexOf(':');
    try {
      if (colon <= 0) throw new NumberFormatException("no port");
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 1 || port > 65535) throw new NumberFormatException("not a port");
      return InetSocketAddress.createUnresolved(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new ConfigException.BadValue("cfs-repl.node." + key, "\"" + value + "\" is not host:port");
    }
  }

  private static int port(Config c, String key, String name) {
    int port = c.getInt(key);
    if (port < 0 || port > 65535) throw new ConfigException.BadValue("cfs-repl.node." + name, "not a port: " + port);
    return port;
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }
}
