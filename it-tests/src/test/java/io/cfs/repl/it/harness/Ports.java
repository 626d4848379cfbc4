package io.cfs.repl.it.harness;

import io.cfs.repl.engine.node.LoopbackSites;

/** Free loopback ports for node listeners (link, admin, ingest): {@link LoopbackSites#freePort} says how. */
public final class Ports {
  private Ports() {
  }

  public static int free() {
    return LoopbackSites.freePort();
  }
}
