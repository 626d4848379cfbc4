package io.cfs.repl.engine.node;

import java.util.Set;

/** What a reload of a node's peers did: the sites added and removed, and the peers now. */
public record PeerReload(Set<String> added, Set<String> removed, Set<String> peers) {
  public PeerReload {
    added = Set.copyOf(added);
    removed = Set.copyOf(removed);
    peers = Set.copyOf(peers);
  }
}
