package io.cfs.repl.engine.membership;

import io.cfs.repl.engine.node.PeerAddress;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a reload of the peers changed: sites added, sites removed, and sites whose addresses or configured throttle
 * changed (which a reload does not apply to a running link: it is refused, naming them, so nothing half-applies).
 */
public record PeerChange(Set<String> added, Set<String> removed, Set<String> changed) {
  public PeerChange {
    added = Set.copyOf(new TreeSet<>(added));
    removed = Set.copyOf(new TreeSet<>(removed));
    changed = Set.copyOf(new TreeSet<>(changed));
  }

  static PeerChange between(Map<String, PeerAddress> before, Map<String, PeerAddress> after) {
    Set<String> added = new TreeSet<>(after.keySet());
    added.removeAll(before.keySet());
    Set<String> removed = new TreeSet<>(before.keySet());
    removed.removeAll(after.keySet());
    Set<String> changed = new TreeSet<>();
    before.forEach((site, address) -> {
      PeerAddress next = after.get(site);
      if (next != null && !next.equals(address)) changed.add(site);
    });
    return new PeerChange(added, removed, changed);
  }

  public boolean none() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }
}
