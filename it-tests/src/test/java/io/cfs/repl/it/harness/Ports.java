package io.cfs.repl.it.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for node listeners (link, admin, ingest).
 *
 * <p>Ports are picked below the Linux ephemeral range (32768+), where outgoing connections of other processes on a
 * shared CI box take their local ports, and each port is handed out at most once per test JVM, so a node restarted
 * on "its" ports never finds one of them given to another node of the same run.
 */
public final class Ports {
  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> handedOut = new HashSet<>();

  private Ports() {
  }

  public static synchronized int free() {
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!handedOut.contains(port) && bindable(port)) {
        handedOut.add(port);
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
}
