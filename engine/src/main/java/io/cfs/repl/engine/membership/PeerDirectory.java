package io.cfs.repl.engine.membership;

import io.cfs.repl.engine.node.PeerAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's peer sites and their link listeners, as configured at start and changed by a reload
 * ({@code POST /replication/peers/reload}). Readers see one whole version: a reload swaps the map.
 */
public final class PeerDirectory implements PeerSet {
  private final AtomicReference<Map<String, PeerAddress>> peers;

  public PeerDirectory(Map<String, PeerAddress> initial) {
    this.peers = new AtomicReference<>(Collections.unmodifiableMap(new TreeMap<>(initial)));
  }

  @Override
  public boolean contains(String site) {
    return peers.get().containsKey(site);
  }

  @Override
  public Set<String> sites() {
    return new TreeSet<>(peers.get().keySet());
  }

  public Optional<PeerAddress> address(String site) {
    return Optional.ofNullable(peers.get().get(site));
  }


  /** What replacing the peers by {@code next} would change. */
  public PeerChange diff(Map<String, PeerAddress> next) {
    return PeerChange.between(peers.get(), next);
  }

  /** Replaces the peers (the caller checked {@link #diff} and serialises reloads). */
  public void replace(Map<String, PeerAddress> next) {
    peers.set(Collections.unmodifiableMap(new TreeMap<>(next)));
  }
}
