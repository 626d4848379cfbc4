package io.cfs.repl.engine.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Node settings for sites that all run on this machine, each the peer of every other over loopback: the demo, the
 * benchmark and the tests start sites this way.
 */
public final class LoopbackSites {
  private LoopbackSites() {
  }

  /** A port free at the time of asking. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * The {@code cfs-repl.node} keys of {@code site}: its data dir, its link port from {@code linkPorts}, and every
   * other site of {@code linkPorts} as a peer on 127.0.0.1. Mutable, so callers can add their own keys.
   */
  public static Map<String, Object> nodeKeys(String site, Path dataDir, Map<String, Integer> linkPorts) {
    Map<String, Object> keys = new HashMap<>();
    keys.put("cfs-repl.node.site-id", site);
    keys.put("cfs-repl.node.data-dir", dataDir.toString());
    keys.put("cfs-repl.node.link.port", linkPorts.get(site));
    linkPorts.forEach((peer, port) -> {
      if (!peer.equals(site)) {
        keys.put("cfs-repl.node.peers.\"" + peer + "\".host", "127.0.0.1");
        keys.put("cfs-repl.node.peers.\"" + peer + "\".port", port);
      }
    });
    return keys;
  }
}
