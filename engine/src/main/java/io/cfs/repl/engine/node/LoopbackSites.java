package io.cfs.repl.engine.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Node settings for sites that all run on this machine, each the peer of every other over loopback: the demo, the
 * benchmark and the tests start sites this way.
 */
public final class LoopbackSites {
  private LoopbackSites() {
  }

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /**
   * A loopback port free at the time of asking, for a listener. Picked below the Linux ephemeral range (32768+): a
   * port the system hands out (port 0) may be taken, before the listener binds it, as the local port of any outgoing
   * connection on the box (a link redialling its peer every 50 ms takes many), which made tests fail now and then with
   * "Address already in use". Each port is handed out at most once per JVM, so a site restarted on its ports never
   * finds one given to another site of the same run.
   */
  public static synchronized int freePort() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOW + ".." + HIGH + " after 500 attempts");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
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
