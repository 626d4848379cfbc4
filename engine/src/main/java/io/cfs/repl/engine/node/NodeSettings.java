package io.cfs.repl.engine.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.cfs.repl.persistence.entry.InvalidEntryException;
import io.cfs.repl.persistence.entry.JournalEntry;
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
    List<String> seedNodes,
    Map<String, PeerAddress> peers,
    String cursorStore) {

  public NodeSettings {
    seedNodes = List.copyOf(seedNodes);
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
      Config p = peerBlock.getConfig(quote(peer));
      peers.put(peer, new PeerAddress(peer, p.getString("host"), port(p, "port", "peers." + peer + ".port")));
    }
    String cursorStore = c.getString("cursor-store");
    if (!cursorStore.equals("embedded") && !cursorStore.equals("postgres")) {
      throw new ConfigException.BadValue("cfs-repl.node.cursor-store", "must be embedded or postgres");
    }
    return new NodeSettings(site, Path.of(dir).toAbsolutePath(), c.getString("link.host"),
        port(c, "link.port", "link.port"), c.getString("cluster.host"), c.getInt("cluster.port"),
        c.getStringList("cluster.seed-nodes"), peers, cursorStore);
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
